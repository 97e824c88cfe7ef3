package dev.brigade.serving.service;

import java.util.List;

import dev.brigade.serving.FieldError;

/** A request that cannot be answered with a score: becomes an RFC 9457 problem body with the fields to fix. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String kind;
    private final List<FieldError> errors;

    public ProblemException(int status, String kind, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public String kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
