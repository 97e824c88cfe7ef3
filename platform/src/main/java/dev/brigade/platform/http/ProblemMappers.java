package dev.brigade.platform.http;

import java.util.List;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * The refusals every service shares, each as a {@link Problem}: a service's own exceptions, malformed JSON (with the
 * path where it broke), the REST layer's own 404/405/415, and anything unexpected (a 500 with an errorId in the log
 * line, never a stack trace in the answer). Domain exceptions are mapped in each service's rest/.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final AllowedMethods allowed;

    ProblemMappers(AllowedMethods allowed) {
        this.allowed = allowed;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().response();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String location = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? m.getPathReference()
                : "$";
        return Problem.of(400, "malformed-json", "The body is not valid JSON for this endpoint",
                e.getOriginalMessage(), List.of(new FieldError(location, e.getOriginalMessage()))).response();
    }

    /** Declared on its own: Quarkus has a built-in mapper for it (an empty 400) that would otherwise win. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return malformedJson(e);
    }

    /** By the JAX-RS rules a path or query parameter that does not convert to its type is a 404 too. */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problem.response(404, "not-found",
                "no such resource, or a path or query parameter that does not convert to its type");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, UriInfo uri) {
        String allow = allowed.allow(uri.getRequestUri().getRawPath());
        Response.ResponseBuilder answer = Response.fromResponse(Problem.response(405, "method-not-allowed",
                "this resource does not answer that method" + (allow.isEmpty() ? "" : "; it answers " + allow)));
        return allow.isEmpty() ? answer.build() : answer.header(HttpHeaders.ALLOW, allow).build();
    }

    /** 406, 415 and the like from the REST layer: a problem body, not an empty answer. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST wraps body-parsing failures; say where the JSON broke.
            return malformedJson(json);
        }
        if (e.getResponse().getEntity() instanceof Problem) {
            return e.getResponse();
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        return Problem.response(status, Problem.kindOf(status), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        String errorId = ErrorIds.next();
        LOG.errorf(e, "Unexpected failure, errorId=%s", errorId);
        return Problem.of(500, "internal", "Internal error",
                "an unexpected failure; quote errorId " + errorId + " to the operators", List.of())
                .withErrorId(errorId).response();
    }
}
