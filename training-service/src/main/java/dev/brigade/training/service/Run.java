package dev.brigade.training.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.Evaluation;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.RunStatus;
import dev.brigade.training.SplitSummary;

/**
 * The live state of one run, changed by its job (and by requests that coalesce into it); readers only ever see
 * {@link #snapshot()}s. Fields the job sets are volatile and snapshots are stored under the run's lock
 * ({@link #store(RunStore, RunStateSink)}), so a coalescing request or the heartbeat on another thread never stores
 * or writes an older snapshot after a newer. Every store is also a write to training-run-state with the next revision
 * and the time as heartbeat, enqueued under the lock, so the topic has the run's states in order.
 */
final class Run {

    final String runId;
    final String useCase;
    final TrainingReason reason;
    final Instant createdAt;
    final String owner;
    private final Clock clock;
    private long revision;
    private Instant heartbeatAt;
    private boolean abandoned;
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
        this(runId, useCase, requestId, reason, createdAt, null, Clock.systemUTC());
    }

    /**
     * @param owner this instance's id
     * @param clock the heartbeat's clock (milliseconds: what training-run-state keeps, so every instance answers the
     *        same times)
     */
    Run(String runId, String useCase, String requestId, TrainingReason reason, Instant createdAt, String owner,
            Clock clock) {
        this.runId = runId;
        this.useCase = useCase;
        this.reason = reason;
        this.createdAt = createdAt;
        this.owner = owner;
        this.clock = clock;
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

    /**
     * Stores a snapshot as the next revision, heartbeat now, and writes it to training-run-state; the lock orders the
     * stores of the job's thread, of coalescing requests and of the heartbeat.
     *
     * @throws RunAbandonedException once another instance has ended the run (it declared this owner silent)
     */
    synchronized RunRecord store(RunStore store, RunStateSink states) {
        checkNotAbandoned();
        revision++;
        heartbeatAt = clock.instant();
        RunRecord snapshot = snapshot();
        RunState state = new RunState(snapshot, revision, owner == null ? "" : owner);
        store.putLocal(state);
        states.write(state);
        return snapshot;
    }

    /**
     * Gives the run up: another instance declared it ended (this owner looked silent to it), and the first final
     * state of a run stands. The job stops at its next store or check; this instance adopts that final state.
     */
    synchronized void abandon(RunRecord ended) {
        abandoned = true;
        status = ended.status();
        statusReason = ended.statusReason();
    }

    /**
     * Ends the run FAILED here, as this instance stops: the state to write (the next revision) or null when the run
     * has ended already. The job stops at its next store or check, publishing nothing more.
     */
    synchronized RunState stopHere(String why, Instant at) {
        if (status.isFinal() || abandoned) {
            return null;
        }
        abandoned = true;
        status = RunStatus.FAILED;
        statusReason = why;
        finishedAt = at;
        if (startedAt != null) {
            wallTimeMillis = Math.max(0, at.toEpochMilli() - startedAt.toEpochMilli());
        }
        revision++;
        heartbeatAt = at;
        return new RunState(snapshot(), revision, owner == null ? "" : owner);
    }

    synchronized boolean abandoned() {
        return abandoned;
    }

    synchronized void checkNotAbandoned() {
        if (abandoned) {
            throw new RunAbandonedException(runId);
        }
    }

    synchronized RunRecord snapshot() {
        return new RunRecord(runId, useCase, requestIds, reason, status, statusReason, codeVersion, specVersion,
                featureSet, featureSetVersion, hyperparameters, seed, ranges, cutoff, newExamples, training,
                validation, holdout, epochs, evaluation, modelVersion, artifactSha256, createdAt, startedAt,
                finishedAt, wallTimeMillis, cpuMillis, owner, heartbeatAt);
    }
}
