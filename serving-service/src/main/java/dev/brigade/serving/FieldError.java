package dev.brigade.serving;

/** One field a caller must fix, named as it appears in the request (e.g. attributes.amount, [3].entityId). */
public record FieldError(String field, String message) {
}
