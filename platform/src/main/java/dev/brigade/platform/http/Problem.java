package dev.brigade.platform.http;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem body (application/problem+json), the one shape every Brigade service answers a refusal with:
 * {@code type} is {@code urn:brigade:problem:<kind>}, {@code instance} the request path, {@code errors} each field to
 * fix, and every 5xx carries an {@code errorId} that is also in the log line of the failure.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String errorId,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:brigade:problem:";
    public static final int UNPROCESSABLE = 422;

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A problem of the given kind, titled by its status. */
    public static Problem of(int status, String kind, String detail, List<FieldError> errors) {
        return of(status, kind, title(status), detail, errors);
    }

    public static Problem of(int status, String kind, String title, String detail, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + kind, title, status, detail, null, null, errors);
    }

    /** The same problem answered for the given request path. */
    public Problem at(String path) {
        return new Problem(type, title, status, detail, path, errorId, errors);
    }

    public Problem withErrorId(String id) {
        return new Problem(type, title, status, detail, instance, id, errors);
    }

    /** The kind this problem's type names ({@code not-found} for {@code urn:brigade:problem:not-found}). */
    public String kind() {
        return type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }

    public Response response() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }

    /** A problem response of the given kind, titled by its status. */
    public static Response response(int status, String kind, String detail, List<FieldError> errors) {
        return of(status, kind, detail, errors).response();
    }

    public static Response response(int status, String kind, String detail) {
        return response(status, kind, detail, List.of());
    }

    /** The kind a bare HTTP status stands for when nothing more specific is known. */
    public static String kindOf(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            case UNPROCESSABLE -> "unprocessable";
            case 500 -> "internal";
            case 503 -> "unavailable";
            default -> "http-" + status;
        };
    }

    public static String title(int status) {
        if (status == UNPROCESSABLE) {
            return "Unprocessable Content";
        }
        if (status == 413) {
            return "Content Too Large";
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
