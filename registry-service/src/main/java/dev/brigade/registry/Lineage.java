package dev.brigade.registry;

import java.util.List;
import java.util.Map;

/** Where a version came from: enough to reproduce it (dataset ranges, feature set, hyperparameters, seed, code). */
public record Lineage(String trainingRunId, String codeVersion, String featureSet, int featureSetVersion,
        List<DatasetRange> datasetRanges, Map<String, String> hyperparameters, long seed) {

    /** A half-open offset range [fromOffset, toOffset) of one partition: re-reading it gives the same rows. */
    public record DatasetRange(String topic, int partition, long fromOffset, long toOffset) {
    }
}
