package dev.brigade.monitor.rest;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** A 4xx answered as an RFC 7807 problem body naming the field, like every Brigade service. */
public class ProblemException extends WebApplicationException {

    public ProblemException(int status, String kind, String title, String detail, String field) {
        super(detail, Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "urn:brigade:problem:" + kind, "title", title, "status", status, "detail",
                        detail, "errors", List.of(Map.of("field", field, "message", detail))))
                .build());
    }
}
