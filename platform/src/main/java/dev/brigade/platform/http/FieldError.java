package dev.brigade.platform.http;

/** One field a caller must fix, named by its path as the caller wrote it ("framing.target", "[3].entityId"). */
public record FieldError(String field, String message) {
}
