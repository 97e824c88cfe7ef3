package dev.brigade.registry.service;

import java.util.List;

import dev.brigade.platform.http.FieldError;

/** A request the registry refuses, or cannot serve, with what the caller needs to know; REST maps it to a problem. */
public class RegistryException extends RuntimeException {

    /** What went wrong, in the registry's terms; rest/RegistryProblems gives each its HTTP status. */
    public enum Kind {
        BAD_REQUEST, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, UNPROCESSABLE, INTEGRITY, UNAVAILABLE
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

    public static RegistryException unavailable(String detail) {
        return new RegistryException(Kind.UNAVAILABLE, detail);
    }

    public static RegistryException badRequest(String field, String message) {
        return new RegistryException(Kind.BAD_REQUEST, field + ": " + message, List.of(new FieldError(field, message)));
    }
}
