package dev.brigade.registry.service;

import java.util.List;

import dev.brigade.platform.http.FieldError;

/** A request the registry refuses, or cannot serve, with what the caller needs to know; REST maps it to a problem. */
public class RegistryException extends RuntimeException {

    public enum Kind {
        BAD_REQUEST(400, "Bad request"),
        NOT_FOUND(404, "Not found"),
        CONFLICT(409, "Conflict"),
        PAYLOAD_TOO_LARGE(413, "Payload too large"),
        UNPROCESSABLE(422, "Invalid or incomplete content"),
        INTEGRITY(500, "Artifact integrity error"),
        UNAVAILABLE(503, "Registry unavailable");

        private final int status;
        private final String title;

        Kind(int status, String title) {
            this.status = status;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }
    }

    private final Kind kind;
    private final List<FieldError> errors;

    public RegistryException(Kind kind, String detail) {
        this(kind, detail, List.of(), null);
    }

    public RegistryException(Kind kind, String detail, List<FieldError> errors) {
        this(kind, detail, errors, null);
    }

    public RegistryException(Kind kind, String detail, List<FieldError> errors, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public Kind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public static RegistryException notFound(String detail) {
        return new RegistryException(Kind.NOT_FOUND, detail);
    }

    public static RegistryException conflict(String detail) {
        return new RegistryException(Kind.CONFLICT, detail);
    }

    public static RegistryException invalid(String detail, List<FieldError> errors) {
        return new RegistryException(Kind.UNPROCESSABLE, detail, errors);
    }

    public static RegistryException badRequest(String field, String message) {
        return new RegistryException(Kind.BAD_REQUEST, field + ": " + message, List.of(new FieldError(field, message)));
    }
}
