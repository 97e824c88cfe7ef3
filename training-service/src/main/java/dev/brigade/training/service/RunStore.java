package dev.brigade.training.service;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.brigade.training.RunRecord;
import dev.brigade.training.config.TrainingConfig;

/**
 * The run records this instance made, newest last, kept in memory and bounded: when full, the oldest final run
 * is dropped. The durable record of every run is its events on training-runs.
 */
@ApplicationScoped
public class RunStore {

    private final int capacity;
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();

    @Inject
    RunStore(TrainingConfig config) {
        this.capacity = config.maxStoredRuns();
    }

    RunStore(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void put(RunRecord run) {
        runs.put(run.runId(), run);
        if (runs.size() > capacity) {
            runs.values().stream().filter(r -> r.status().isFinal()).findFirst()
                    .ifPresent(oldest -> runs.remove(oldest.runId()));
        }
    }

    public synchronized Optional<RunRecord> get(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    /** Runs, newest first, optionally of one use case. */
    public synchronized List<RunRecord> list(String useCase) {
        return runs.values().stream().filter(r -> useCase == null || r.useCase().equals(useCase))
                .sorted(Comparator.comparing(RunRecord::createdAt).reversed()).toList();
    }
}
