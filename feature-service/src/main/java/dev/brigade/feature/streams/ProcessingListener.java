package dev.brigade.feature.streams;

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
}
