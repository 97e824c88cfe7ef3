package dev.brigade.feature.rest;

import java.util.List;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

import dev.brigade.feature.FieldError;
import dev.brigade.feature.service.OnlineFeatureService;

/** Every error leaves as a problem body; no stack trace, no HTML page. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String location = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPathReference() : "$";
        return Problem.response(400, "The body is not valid JSON",
                List.of(new FieldError(location, e.getOriginalMessage())));
    }

    @ServerExceptionMapper
    public Response lookupFailed(OnlineFeatureService.LookupException e) {
        return Problem.response(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problem.response(404, e.getMessage());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST wraps body-parsing failures; say where the JSON broke.
            return malformedJson(json);
        }
        int status = e.getResponse().getStatus();
        return Problem.response(status, e.getMessage());
    }
}
