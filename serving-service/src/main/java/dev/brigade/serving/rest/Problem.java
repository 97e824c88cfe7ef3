package dev.brigade.serving.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.brigade.serving.FieldError;

/** An RFC 9457 problem body: type urn:brigade:problem:<kind>, and each field to fix. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Response response(int status, String kind, String detail, List<FieldError> errors) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = status == 422 ? "Unprocessable Content" : known == null ? "Error" : known.getReasonPhrase();
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("urn:brigade:problem:" + kind, title, status, detail, errors)).build();
    }
}
