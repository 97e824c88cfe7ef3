package dev.brigade.serving.rest;

import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.brigade.serving.service.ProblemException;

/** Every error of this service's API is a problem body, never an HTML page or a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Problem.response(e.status(), e.kind(), e.getMessage(), e.errors());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return Problem.response(status, status == 404 ? "not-found" : status == 405 ? "method-not-allowed"
                : status == 415 ? "unsupported-media-type" : "http-" + status, e.getMessage(), List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Unexpected failure", e);
        return Problem.response(500, "internal", "internal error: " + e.getClass().getSimpleName(), List.of());
    }
}
