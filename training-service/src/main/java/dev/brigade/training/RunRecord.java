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
 * @param owner the instance id of the training instance that runs (ran) it; null for a run known from training-runs
 *        only
 * @param heartbeatAt when its owner last wrote its state (on every change, and every heartbeat while live)
 */
public record RunRecord(String runId, String useCase, List<String> requestIds, TrainingReason reason,
        RunStatus status, String statusReason, String codeVersion, Integer specVersion, String featureSet,
        Integer featureSetVersion, Map<String, String> hyperparameters, Long seed, List<DatasetRange> datasetRanges,
        Instant cutoff, Long newExamples, SplitSummary training, SplitSummary validation, SplitSummary holdout,
        List<EpochProgress> epochs, Evaluation evaluation, Integer modelVersion, String artifactSha256,
        Instant createdAt, Instant startedAt, Instant finishedAt, Long wallTimeMillis, Long cpuMillis, String owner,
        Instant heartbeatAt) {

    /** A run with no owner known (rebuilt from training-runs, or made by a test). */
    public RunRecord(String runId, String useCase, List<String> requestIds, TrainingReason reason, RunStatus status,
            String statusReason, String codeVersion, Integer specVersion, String featureSet, Integer featureSetVersion,
            Map<String, String> hyperparameters, Long seed, List<DatasetRange> datasetRanges, Instant cutoff,
            Long newExamples, SplitSummary training, SplitSummary validation, SplitSummary holdout,
            List<EpochProgress> epochs, Evaluation evaluation, Integer modelVersion, String artifactSha256,
            Instant createdAt, Instant startedAt, Instant finishedAt, Long wallTimeMillis, Long cpuMillis) {
        this(runId, useCase, requestIds, reason, status, statusReason, codeVersion, specVersion, featureSet,
                featureSetVersion, hyperparameters, seed, datasetRanges, cutoff, newExamples, training, validation,
                holdout, epochs, evaluation, modelVersion, artifactSha256, createdAt, startedAt, finishedAt,
                wallTimeMillis, cpuMillis, null, null);
    }

    public boolean live() {
        return !status.isFinal();
    }

    /** This record ended as the given status and reason, at the given time (wall time from its start). */
    public RunRecord ended(RunStatus endStatus, String why, Instant at) {
        Long wall = startedAt == null ? wallTimeMillis : Long.valueOf(Math.max(0, at.toEpochMilli()
                - startedAt.toEpochMilli()));
        return new RunRecord(runId, useCase, requestIds, reason, endStatus, why, codeVersion, specVersion, featureSet,
                featureSetVersion, hyperparameters, seed, datasetRanges, cutoff, newExamples, training, validation,
                holdout, epochs, evaluation, modelVersion, artifactSha256, createdAt, startedAt, at, wall, cpuMillis,
                owner, heartbeatAt);
    }

    public RunRecord {
        requestIds = List.copyOf(requestIds);
        hyperparameters = hyperparameters == null ? Map.of() : Map.copyOf(hyperparameters);
        datasetRanges = datasetRanges == null ? List.of() : List.copyOf(datasetRanges);
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }
}
