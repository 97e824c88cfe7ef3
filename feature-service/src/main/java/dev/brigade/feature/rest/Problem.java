package dev.brigade.feature.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.brigade.feature.FieldError;

/** An RFC 9457 problem body: what went wrong, and each field that has a problem. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final int UNPROCESSABLE = 422;

    public static Response response(int status, String detail, List<FieldError> errors) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("about:blank", title(status), status, detail, errors)).build();
    }

    public static Response response(int status, String detail) {
        return response(status, detail, List.of());
    }

    static String title(int status) {
        if (status == UNPROCESSABLE) {
            return "Unprocessable Content";
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
