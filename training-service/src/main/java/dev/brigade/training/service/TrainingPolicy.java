package dev.brigade.training.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.brigade.training.RetrainingPolicy;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.TrainingRequest;

/**
 * The use case's retraining policy applied to a request: retraining is a decision, so each rule that says no
 * gives the reason the run's RunSkipped event carries. Runs that were skipped do not count as runs.
 */
public final class TrainingPolicy {

    private static final Duration DAY = Duration.ofDays(1);

    private TrainingPolicy() {
    }

    /**
     * Checks that need no data: the signal is allowed, fewer than maxRunsPerDay runs started in the last 24 hours,
     * and the cooldown since the last run's start has passed.
     *
     * @param history earlier runs of the use case (any order), not including the one being decided
     * @return the reason to skip, or empty to go on
     */
    public static Optional<String> beforeData(TrainingRequest request, RetrainingPolicy policy,
            List<RunRecord> history, Instant now) {
        if (!policy.signals().contains(request.reason())) {
            return Optional.of("the retraining policy does not allow " + request.reason() + " requests (allowed: "
                    + policy.signals().stream().map(Enum::name).sorted().collect(Collectors.joining(", ")) + ")");
        }
        List<RunRecord> started = history.stream()
                .filter(r -> r.startedAt() != null && r.status() != RunStatus.SKIPPED)
                .sorted(Comparator.comparing(RunRecord::startedAt))
                .toList();
        long lastDay = started.stream().filter(r -> r.startedAt().isAfter(now.minus(DAY))).count();
        if (lastDay >= policy.maxRunsPerDay()) {
            return Optional.of(lastDay + " runs started in the last 24 hours, the policy allows "
                    + policy.maxRunsPerDay() + " per day");
        }
        if (!started.isEmpty()) {
            RunRecord last = started.get(started.size() - 1);
            Instant allowed = last.startedAt().plus(policy.cooldown());
            if (now.isBefore(allowed)) {
                return Optional.of("cooldown of " + policy.cooldown() + " after run " + last.runId()
                        + " (started " + last.startedAt() + "): next run allowed at " + allowed);
            }
        }
        return Optional.empty();
    }

    /**
     * The data check: enough labelled examples arrived since the last successful run's dataset ranges (for a first
     * run, every example is new).
     */
    public static Optional<String> afterData(RetrainingPolicy policy, long newExamples) {
        if (newExamples < policy.minNewLabelledExamples()) {
            return Optional.of(newExamples + " new labelled examples since the last successful run, the policy "
                    + "needs " + policy.minNewLabelledExamples());
        }
        return Optional.empty();
    }
}
