package dev.brigade.feature;

import java.time.Instant;
import java.util.Optional;

/** A feature-set version as recorded on the feature-sets topic. */
public record RegisteredFeatureSet(FeatureSetDefinition definition, String yaml, String sha256,
        Instant registeredAt, Optional<String> registeredBy) {
}
