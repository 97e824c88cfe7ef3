package dev.brigade.monitor.rest;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refusals of the REST layer itself (an unconvertible query parameter is a 404 by the JAX-RS rules, a wrong method
 * a 405) as problem bodies like every other refusal, never an HTML page or an empty answer.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return problem(404, "not-found", "Not found",
                "no such resource, or a path or query parameter that does not convert to its type");
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getResponse().hasEntity()) {
            return e.getResponse(); // a ProblemException: already a problem body
        }
        int status = e.getResponse().getStatus();
        return problem(status, "http-" + status, e.getResponse().getStatusInfo().getReasonPhrase(),
                String.valueOf(e.getMessage()));
    }

    private static Response problem(int status, String kind, String title, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "urn:brigade:problem:" + kind, "title", title, "status", status, "detail",
                        detail, "errors", List.of()))
                .build();
    }
}
