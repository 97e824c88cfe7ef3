package dev.brigade.serving.client;

import java.util.Map;

/**
 * What the feature-service said about an entity, or why it said nothing in time. Never an exception: a slow or absent
 * feature-service degrades an answer, it does not fail it.
 */
public record FeatureLookup(Outcome outcome, Map<String, Value> features, long nanos, String detail) {

    public enum Outcome {
        OK, TIMEOUT, UNAVAILABLE, ERROR;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One feature as the feature-service serves it: value null only when MISSING. */
    public record Value(Object value, String status) {
    }

    public static FeatureLookup failed(Outcome outcome, long nanos, String detail) {
        return new FeatureLookup(outcome, Map.of(), nanos, detail);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }
}
