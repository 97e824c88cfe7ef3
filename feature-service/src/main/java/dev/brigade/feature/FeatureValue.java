package dev.brigade.feature;

/** A computed feature value with where it came from; the value is null only when MISSING. */
public record FeatureValue(Object value, ValueStatus status) {
}
