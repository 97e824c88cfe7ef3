package dev.brigade.serving;

import java.time.Instant;
import java.util.Map;

/**
 * A one-off batch job as GET /v1/batch-jobs/{id} shows it: what it scores (the use case's feature vectors whose
 * eventTime is in [from, to), with one model version), how far it is, and at the end what it produced.
 *
 * @param progress records of feature-vectors read out of those present when the job started
 * @param summary null while running; at the end (succeeded, failed or cancelled) what was produced until then
 * @param startedAt when an owner first started it (its acceptance while QUEUED)
 * @param acceptedBy the instance that accepted the POST
 * @param owner the instance running it (or that last ran it); null while QUEUED
 * @param attempt 1 for the first run; each resume by another owner (or after a restart) adds one
 * @param resumedFrom records already read when the last attempt took over; null if it never resumed
 * @param updatedAt the last checkpoint: progress is as of then (every few seconds while running)
 */
public record BatchJob(String id, String useCase, Instant from, Instant to, int modelVersion, Variant variant,
        String featureSet, int featureSetVersion, Status status, String requestedBy, Instant startedAt,
        Instant endedAt, Progress progress, Summary summary, String error, Instant createdAt, String acceptedBy,
        String owner, int attempt, Long resumedFrom, boolean cancelRequested, Instant updatedAt) {

    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        public boolean finished() {
            return this != RUNNING && this != QUEUED;
        }
    }

    /** @param fraction scanned / total, 0 to 1 */
    public record Progress(long scanned, long total, double fraction, long matched, long scored) {
    }

    /**
     * @param byModel events scored per "v{version} {variant}"
     * @param imputedEvents events with at least one input imputed from the training statistics
     * @param decisions per decision (positive, negative; none for regression)
     * @param failures per reason (model-failure, send-failed, undecodable)
     * @param duplicates vectors of an event already scored by this job (skipped)
     * @param percentilesExact false when more scores than the sample kept for percentiles (mean stays exact)
     */
    public record Summary(long eventsScored, Map<String, Long> byModel, long imputedEvents, long imputedInputs,
            Scores scores, Map<String, Long> decisions, Map<String, Long> failures, long duplicates,
            long durationMillis) {
    }

    public record Scores(double mean, double min, double p50, double p95, double max, boolean percentilesExact) {
    }
}
