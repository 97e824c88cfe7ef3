package dev.brigade.feature;

import java.time.Instant;
import java.util.Map;

/** Features of an entity as of a moment, computed by the same code as the offline vectors. */
public record OnlineFeatures(String featureSet, int version, String entityId, Instant asOf,
        Map<String, FeatureValue> features, String servedBy) {
}
