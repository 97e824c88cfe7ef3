package dev.brigade.registry;

/** One missing or invalid field of a request, named by its path ("framing.target", "alertRules[0].owner"). */
public record FieldError(String field, String message) {
}
