package dev.brigade.training.service;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.config.TrainingConfig;

/**
 * The run records every instance answers from, bounded (when full, the oldest final run is dropped). Two layers per
 * run: the shared one, folded from training-run-state in topic order (the same on every instance), and the local
 * one, what this instance's own job or history knows before the topic echoes it. The shared layer wins once it has
 * caught up with the local one (same or newer revision) or is final, so every instance converges on the same
 * record, the first final state written for a run included.
 */
@ApplicationScoped
public class RunStore {

    private final int capacity;
    private final Map<String, Entry> runs = new LinkedHashMap<>();

    private static final class Entry {
        RunState local;
        RunState shared;

        RunState visible() {
            return RunStore.visible(local, shared);
        }
    }

    @Inject
    RunStore(TrainingConfig config) {
        this.capacity = config.maxStoredRuns();
    }

    RunStore(int capacity) {
        this.capacity = capacity;
    }

    /** A record known from training-runs only (or made by a test): any shared state of the run overrides it. */
    public void put(RunRecord run) {
        putLocal(new RunState(run, RunState.HISTORY, run.owner() == null ? "" : run.owner()));
    }

    /** This instance's own newest state of a run it owns (or adopted), before the topic echoes it. */
    public synchronized void putLocal(RunState state) {
        entry(state.runId()).local = state;
        evict();
    }

    /** A state read from training-run-state, in topic order; false when it changed nothing (older, or after final). */
    public synchronized boolean apply(RunState state) {
        Entry entry = entry(state.runId());
        RunState merged = merge(entry.shared, state);
        boolean changed = merged != entry.shared;
        entry.shared = merged;
        evict();
        return changed;
    }

    /**
     * The shared layer's fold: the first final state of a run stays (whoever wrote it; a later heartbeat of a
     * silent owner that resumed cannot revive it); before that, the newer revision wins, a tie going to the later
     * record.
     */
    static RunState merge(RunState current, RunState incoming) {
        if (current == null) {
            return incoming;
        }
        if (current.isFinal()) {
            return current;
        }
        if (incoming.isFinal() || incoming.revision() >= current.revision()) {
            return incoming;
        }
        return current;
    }

    /** What the instance answers: the shared state once final or caught up with the local one, else the local. */
    static RunState visible(RunState local, RunState shared) {
        if (shared == null) {
            return local;
        }
        if (local == null || shared.isFinal() || shared.revision() >= local.revision()) {
            return shared;
        }
        return local;
    }

    public synchronized Optional<RunRecord> get(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(e -> e.visible().run());
    }

    /** The run's state as training-run-state has it, if it has been read there. */
    public synchronized Optional<RunState> shared(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(e -> e.shared);
    }

    /** Runs live in the shared view (QUEUED or RUNNING there), whatever instance owns them. */
    public synchronized List<RunState> sharedLive() {
        return runs.values().stream().map(e -> e.shared).filter(Objects::nonNull).filter(s -> !s.isFinal())
                .toList();
    }

    /** The run a request already belongs to, if any: a redelivered request is answered by it, not run again. */
    public synchronized Optional<RunRecord> byRequestId(String requestId) {
        return runs.values().stream().map(e -> e.visible().run()).filter(r -> r.requestIds().contains(requestId))
                .findFirst();
    }

    /** Runs, newest first, optionally of one use case. */
    public synchronized List<RunRecord> list(String useCase) {
        return runs.values().stream().map(e -> e.visible().run())
                .filter(r -> useCase == null || r.useCase().equals(useCase))
                // ties by run id, so that every instance lists runs created in the same millisecond alike
                .sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::runId).reversed())
                .toList();
    }

    private Entry entry(String runId) {
        return runs.computeIfAbsent(runId, id -> new Entry());
    }

    private void evict() {
        if (runs.size() > capacity) {
            runs.entrySet().stream().filter(e -> e.getValue().visible().isFinal()).findFirst()
                    .ifPresent(oldest -> runs.remove(oldest.getKey()));
        }
    }
}
