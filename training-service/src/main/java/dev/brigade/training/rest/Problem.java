package dev.brigade.training.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

/** RFC 7807 problem body, as every Brigade service answers errors; {@code errors} names each field to fix. */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public static Response response(int status, String kind, String title, String detail, List<FieldError> errors) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("urn:brigade:problem:" + kind, title, status, detail, errors)).build();
    }
}
