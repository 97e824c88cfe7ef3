package dev.brigade.feature;

/** One problem with one field of a request, named as the caller wrote it (e.g. {@code features[2].window}). */
public record FieldError(String field, String message) {
}
