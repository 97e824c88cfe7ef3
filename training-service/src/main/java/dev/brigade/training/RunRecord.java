package dev.brigade.training;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.brigade.events.TrainingReason;

/**
 * Everything about one run: enough to reproduce it (code version, dataset ranges and cutoff, feature-set version,
 * hyperparameters with the seed) and to judge it (splits, epochs, metrics, the model version it became). A snapshot:
 * the run's live state is replaced by a new record on every change.
 *
 * @param requestIds the requests this run answers: the first, and any that coalesced into it
 * @param statusReason why it failed or was skipped; null otherwise
 * @param newExamples examples that arrived since the last successful run's ranges (the policy's count)
 * @param modelVersion the version the registry assigned, once registered
 * @param cpuMillis CPU time of the thread that ran the job
 */
public record RunRecord(String runId, String useCase, List<String> requestIds, TrainingReason reason,
        RunStatus status, String statusReason, String codeVersion, Integer specVersion, String featureSet,
        Integer featureSetVersion, Map<String, String> hyperparameters, Long seed, List<DatasetRange> datasetRanges,
        Instant cutoff, Long newExamples, SplitSummary training, SplitSummary validation, SplitSummary holdout,
        List<EpochProgress> epochs, Evaluation evaluation, Integer modelVersion, String artifactSha256,
        Instant createdAt, Instant startedAt, Instant finishedAt, Long wallTimeMillis, Long cpuMillis) {

    public RunRecord {
        requestIds = List.copyOf(requestIds);
        hyperparameters = hyperparameters == null ? Map.of() : Map.copyOf(hyperparameters);
        datasetRanges = datasetRanges == null ? List.of() : List.copyOf(datasetRanges);
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }
}
