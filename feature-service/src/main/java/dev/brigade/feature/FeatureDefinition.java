package dev.brigade.feature;

import java.time.Duration;
import java.util.Optional;

/**
 * One feature of a feature set.
 *
 * @param attribute the raw-event attribute it reads, if its aggregation reads one
 * @param window how far back it looks, if its aggregation looks back
 * @param defaultValue the value when there is nothing to compute from (already of {@code type})
 */
public record FeatureDefinition(String name, FeatureType type, Aggregation aggregation, Optional<String> attribute,
        Optional<Duration> window, Object defaultValue) {
}
