package dev.brigade.training;

import java.time.Duration;
import java.util.Set;

import dev.brigade.events.TrainingReason;

/**
 * The use case's retraining policy, as its spec states it.
 *
 * @param signals the reasons that may start a run (MANUAL, SCHEDULE, DRIFT, DEGRADED, NEW_DATA)
 * @param minNewLabelledExamples labelled examples that must have arrived since the last successful run's dataset
 * @param cooldown time after the last run's start before another may start
 * @param maxRunsPerDay runs started in the last 24 hours, at most
 */
public record RetrainingPolicy(Set<TrainingReason> signals, long minNewLabelledExamples, Duration cooldown,
        int maxRunsPerDay) {

    public RetrainingPolicy {
        signals = Set.copyOf(signals);
    }
}
