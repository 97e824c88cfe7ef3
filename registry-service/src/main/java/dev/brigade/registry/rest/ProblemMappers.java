package dev.brigade.registry.rest;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.brigade.registry.FieldError;
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

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String location = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? m.getPathReference()
                : "$";
        return problem(Problem.of("malformed-json", "The body is not valid JSON for this endpoint", 400,
                e.getOriginalMessage(), List.of(new FieldError(location, e.getOriginalMessage()))));
    }

    /** Declared on its own: Quarkus has a built-in mapper for it (an empty 400) that would otherwise win. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return malformedJson(e);
    }

    /** 405, 415, 406 and the like from the REST layer: a problem body, not an empty answer. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST wraps body-parsing failures; say where the JSON broke.
            return malformedJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.warn(e.getMessage(), e);
        }
        return problem(Problem.of("http-" + status, e.getResponse().getStatusInfo().getReasonPhrase(), status,
                e.getMessage(), List.of()));
    }

    /**
     * The multipart parser fails with an IOException on a body that is not the multipart it claims to be (missing
     * or broken boundary, truncated part): the caller's fault, so a 400 naming it, not a 500.
     */
    @ServerExceptionMapper
    public Response unreadableBody(IOException e) {
        String message = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        boolean multipart = message.toLowerCase(Locale.ROOT).contains("multipart")
                || (cause != null && cause.getClass().getName().contains("Malformed"));
        if (!multipart) {
            LOG.error("unexpected I/O failure", e);
            return problem(Problem.of("internal", "Internal error", 500, "an I/O operation failed", List.of()));
        }
        return problem(Problem.of("malformed-multipart", "The body is not a readable multipart/form-data request",
                400, message, List.of(new FieldError("body", "expected multipart/form-data with parts "
                        + "\"artifact\" and \"metadata\" separated by the declared boundary"))));
    }

    static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
