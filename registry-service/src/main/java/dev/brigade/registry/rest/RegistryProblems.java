package dev.brigade.registry.rest;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.Problem;
import dev.brigade.registry.service.RegistryException;
import dev.brigade.registry.service.RegistryMetrics;

/** The registry's own refusals as problem bodies; the generic ones come from platform's ProblemMappers. */
public class RegistryProblems {

    private static final Logger LOG = Logger.getLogger(RegistryProblems.class);

    private final RegistryMetrics metrics;

    RegistryProblems(RegistryMetrics metrics) {
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
        String type = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Problem problem = switch (kind) {
            case BAD_REQUEST -> Problem.of(400, type, "Bad request", e.getMessage(), e.errors());
            case NOT_FOUND -> Problem.of(404, type, "Not found", e.getMessage(), e.errors());
            case CONFLICT -> Problem.of(409, type, "Conflict", e.getMessage(), e.errors());
            case PAYLOAD_TOO_LARGE -> Problem.of(413, type, "Payload too large", e.getMessage(), e.errors());
            case UNPROCESSABLE -> Problem.of(422, type, "Invalid or incomplete content", e.getMessage(), e.errors());
            case INTEGRITY -> Problem.of(500, type, "Artifact integrity error", e.getMessage(), e.errors());
            case UNAVAILABLE -> Problem.of(503, type, "Registry unavailable", e.getMessage(), e.errors());
        };
        return problem.response();
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
            return Problem.of(500, "internal", "Internal error", "an I/O operation failed", List.of()).response();
        }
        return Problem.of(400, "malformed-multipart", "The body is not a readable multipart/form-data request",
                message, List.of(new FieldError("body", "expected multipart/form-data with parts "
                        + "\"artifact\" and \"metadata\" separated by the declared boundary"))).response();
    }
}
