package dev.brigade.registry.rest;

import java.util.List;

import dev.brigade.registry.FieldError;

/**
 * An RFC 7807 problem body (application/problem+json): what went wrong for people and programs, with every field
 * to fix in {@code errors}.
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(String slug, String title, int status, String detail, List<FieldError> errors) {
        return new Problem("urn:brigade:problem:" + slug, title, status, detail, errors);
    }
}
