package dev.brigade.training.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.Evaluation;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.SplitSummary;

/**
 * The live state of one run, changed by its job (and by requests that coalesce into it); readers only ever see
 * {@link #snapshot()}s. Fields the job sets are volatile and snapshots are stored under the run's lock
 * ({@link #store(RunStore)}), so a coalescing request on another thread never stores an older snapshot after a newer.
 */
final class Run {

    final String runId;
    final String useCase;
    final TrainingReason reason;
    final Instant createdAt;
    private final List<String> requestIds = new ArrayList<>();
    private RunStatus status = RunStatus.QUEUED;
    private String statusReason;
    volatile String codeVersion;
    volatile Integer specVersion;
    volatile String featureSet;
    volatile Integer featureSetVersion;
    volatile Map<String, String> hyperparameters;
    volatile Long seed;
    volatile List<DatasetRange> ranges;
    volatile Instant cutoff;
    volatile Long newExamples;
    volatile SplitSummary training;
    volatile SplitSummary validation;
    volatile SplitSummary holdout;
    private final List<EpochProgress> epochs = new ArrayList<>();
    volatile Evaluation evaluation;
    volatile Integer modelVersion;
    volatile String artifactSha256;
    volatile Instant startedAt;
    volatile Instant finishedAt;
    volatile Long wallTimeMillis;
    volatile Long cpuMillis;

    Run(String runId, String useCase, String requestId, TrainingReason reason, Instant createdAt) {
        this.runId = runId;
        this.useCase = useCase;
        this.reason = reason;
        this.createdAt = createdAt;
        this.requestIds.add(requestId);
    }

    /** Joins a request to this run unless it has ended; false when the request needs a run of its own. */
    synchronized boolean coalesce(String requestId) {
        if (status.isFinal()) {
            return false;
        }
        if (!requestIds.contains(requestId)) {
            requestIds.add(requestId);
        }
        return true;
    }

    synchronized List<String> requestIds() {
        return List.copyOf(requestIds);
    }

    synchronized void status(RunStatus status, String reason) {
        this.status = status;
        this.statusReason = reason;
    }

    synchronized RunStatus status() {
        return status;
    }

    synchronized void epoch(EpochProgress epoch) {
        epochs.add(epoch);
    }

    /** Stores a snapshot; the lock orders the stores of the job's thread and of coalescing requests. */
    synchronized RunRecord store(RunStore store) {
        RunRecord snapshot = snapshot();
        store.put(snapshot);
        return snapshot;
    }

    synchronized RunRecord snapshot() {
        return new RunRecord(runId, useCase, requestIds, reason, status, statusReason, codeVersion, specVersion,
                featureSet, featureSetVersion, hyperparameters, seed, ranges, cutoff, newExamples, training,
                validation, holdout, epochs, evaluation, modelVersion, artifactSha256, createdAt, startedAt,
                finishedAt, wallTimeMillis, cpuMillis);
    }
}
