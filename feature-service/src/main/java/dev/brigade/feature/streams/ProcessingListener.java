package dev.brigade.feature.streams;

import java.time.Instant;
import java.util.Map;

import dev.brigade.feature.FeatureValue;

/** What a topology tells the service as it goes: counts for metrics, offsets for backfill progress. */
public interface ProcessingListener {

    ProcessingListener NONE = new ProcessingListener() {
    };

    /** A source record was handled (whatever the outcome). */
    default void processed(String topic, int partition, long offset) {
    }

    /** An output was produced: e.g. "vector", "example", or "dead-letter:late". */
    default void outcome(String outcome) {
    }

    /** A feature vector was computed for an event (for the live data-contract checks). */
    default void vector(Map<String, FeatureValue> features, Instant eventTime) {
    }

    /** A training example was joined (for the live label balance). */
    default void example(String featureSet, int featureSetVersion, double label) {
    }
}
