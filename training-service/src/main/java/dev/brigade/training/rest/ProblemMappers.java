package dev.brigade.training.rest;

import java.util.List;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/** Every refusal leaves as a problem body that names what is wrong: no empty 400, no HTML page. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String location = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? m.getPathReference()
                : "$";
        return Problem.response(400, "malformed-json", "The body is not valid JSON for this endpoint",
                e.getOriginalMessage(), List.of(new Problem.FieldError(location, e.getOriginalMessage())));
    }

    /** Declared on its own: Quarkus has a built-in mapper for it (an empty 400) that would otherwise win. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problem.response(404, "not-found", "Not found", "no such resource", List.of());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST wraps body-parsing failures; say where the JSON broke.
            return malformedJson(json);
        }
        int status = e.getResponse().getStatus();
        return Problem.response(status, "http-" + status, e.getResponse().getStatusInfo().getReasonPhrase(),
                e.getMessage(), List.of());
    }
}
