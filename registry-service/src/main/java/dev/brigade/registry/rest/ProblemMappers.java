package dev.brigade.registry.rest;

import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.brigade.registry.service.RegistryException;
import dev.brigade.registry.service.RegistryMetrics;

/** Every refusal of the API as a problem body. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final RegistryMetrics metrics;

    ProblemMappers(RegistryMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        RegistryException.Kind kind = e.kind();
        if (kind == RegistryException.Kind.INTEGRITY) {
            metrics.integrityFailure();
            LOG.error(e.getMessage());
        } else if (kind == RegistryException.Kind.UNAVAILABLE) {
            LOG.warn(e.getMessage(), e.getCause());
        }
        return problem(Problem.of(kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), kind.title(),
                kind.status(), e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return problem(Problem.of("not-found", "Not found", 404, "no such resource", List.of()));
    }

    static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
