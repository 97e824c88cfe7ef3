package dev.brigade.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A batch job's whole state as the batch-jobs topic keeps it (one record per job id, the last one wins): what it
 * scores, who accepted and who runs it, how far it got (per feature-vectors partition, the next offset to read: every
 * record before it is scored, acknowledged and counted) and what it produced up to there. Every replica folds the
 * topic into these and answers GET /v1/batch-jobs from them ({@link #view}), so all answer the same.
 *
 * @param attempt 0 when accepted; each start or resume by an owner adds one, so a replica that lost the job cannot
 *        overwrite its successor
 * @param sequence checkpoints within the attempt
 * @param resumedFrom records already read when the last attempt resumed; null if it never resumed
 * @param partitions empty until the job first started; then fixed, with the next offset moving
 */
public record JobState(String id, String useCase, Instant from, Instant to, int modelVersion, Variant variant,
        String featureSet, int featureSetVersion, BatchJob.Status status, String requestedBy, String acceptedBy,
        String owner, int attempt, long sequence, Long resumedFrom, Instant createdAt, Instant updatedAt,
        Instant startedAt, Instant endedAt, boolean cancelRequested, String cancelledBy, List<Range> partitions,
        Tally tally, String error) {

    public JobState {
        partitions = List.copyOf(partitions);
    }

    /** Offsets [from, to) of one feature-vectors partition, and the next one to read. */
    public record Range(int partition, long from, long to, long next) {

        public long scanned() {
            return Math.max(0, Math.min(next, to) - from);
        }

        public long size() {
            return Math.max(0, to - from);
        }
    }

    /**
     * What the job produced up to the checkpoint.
     *
     * @param sample the scores themselves while there are at most as many as it holds, else evenly spaced quantiles
     *        of them (so the percentiles of a resumed job stay close)
     * @param percentilesExact the sample's quantiles were taken from every score, so p50 and p95 (multiples of 1/20
     *        of a sample of a multiple of 20) are the exact nearest-rank ones; false once a resume merged quantiles
     */
    public record Tally(long matched, long scored, long duplicates, long imputedEvents, long imputedInputs,
            Map<String, Long> byModel, Map<String, Long> decisions, Map<String, Long> failures, long scoreCount,
            double scoreSum, double scoreMin, double scoreMax, List<Double> sample, boolean percentilesExact) {

        public static final Tally EMPTY = new Tally(0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of(), 0, 0,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, List.of(), true);

        public Tally {
            byModel = Map.copyOf(byModel);
            decisions = Map.copyOf(decisions);
            failures = Map.copyOf(failures);
            sample = List.copyOf(sample);
        }
    }

    /** A job just accepted: QUEUED, attempt 0, no owner yet. */
    public static JobState accepted(String id, String useCase, Instant from, Instant to, int modelVersion,
            Variant variant, String featureSet, int featureSetVersion, String requestedBy, String acceptedBy,
            Instant now) {
        return new JobState(id, useCase, from, to, modelVersion, variant, featureSet, featureSetVersion,
                BatchJob.Status.QUEUED, requestedBy, acceptedBy, null, 0, 0, null, now, now, null, null, false, null,
                List.of(), Tally.EMPTY, null);
    }

    public boolean finished() {
        return status.finished();
    }

    public long total() {
        return partitions.stream().mapToLong(Range::size).sum();
    }

    public long scanned() {
        return partitions.stream().mapToLong(Range::scanned).sum();
    }

    /** Written later by the same or a later attempt. */
    public boolean newerThan(JobState other) {
        return attempt != other.attempt ? attempt > other.attempt : sequence > other.sequence;
    }

    /** The same state with a cancellation asked for. */
    public JobState cancelledBy(String by, Instant now) {
        return new JobState(id, useCase, from, to, modelVersion, variant, featureSet, featureSetVersion, status,
                requestedBy, acceptedBy, owner, attempt, sequence, resumedFrom, createdAt, now, startedAt, endedAt,
                true, cancelRequested ? cancelledBy : by, partitions, tally, error);
    }

    /** The first state of an attempt by {@code owner}: RUNNING, the next attempt, sequence 0. */
    public JobState startedBy(String owner, List<Range> ranges, Instant now) {
        Long resumed = partitions.isEmpty() ? resumedFrom : Long.valueOf(scanned());
        return new JobState(id, useCase, from, to, modelVersion, variant, featureSet, featureSetVersion,
                BatchJob.Status.RUNNING, requestedBy, acceptedBy, owner, attempt + 1, 0, resumed, createdAt, now,
                startedAt == null ? now : startedAt, null, cancelRequested, cancelledBy, ranges, tally, null);
    }

    /** A checkpoint of this attempt: the next sequence, its progress and tally, ended if {@code status} is final. */
    public JobState checkpoint(BatchJob.Status status, List<Range> ranges, Tally tally, String error, Instant now) {
        return new JobState(id, useCase, from, to, modelVersion, variant, featureSet, featureSetVersion, status,
                requestedBy, acceptedBy, owner, attempt, sequence + 1, resumedFrom, createdAt, now, startedAt,
                status.finished() ? now : null, cancelRequested, cancelledBy, ranges, tally, error);
    }

    /** What GET /v1/batch-jobs/{id} shows: progress from the last checkpoint, the summary once finished. */
    public BatchJob view() {
        long total = total();
        long scanned = scanned();
        double fraction = total == 0 ? (finished() ? 1.0 : 0.0) : Math.min(1.0, (double) scanned / total);
        BatchJob.Progress progress = new BatchJob.Progress(scanned, total, fraction, tally.matched(), tally.scored());
        return new BatchJob(id, useCase, from, to, modelVersion, variant, featureSet, featureSetVersion, status,
                requestedBy, startedAt == null ? createdAt : startedAt, endedAt, progress,
                finished() ? summary() : null, error, createdAt, acceptedBy, owner, attempt, resumedFrom,
                cancelRequested, updatedAt);
    }

    private BatchJob.Summary summary() {
        BatchJob.Scores scores = null;
        if (tally.scoreCount() > 0 && !tally.sample().isEmpty()) {
            double[] sorted = tally.sample().stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(sorted);
            scores = new BatchJob.Scores(tally.scoreSum() / tally.scoreCount(), tally.scoreMin(),
                    percentile(sorted, 0.50), percentile(sorted, 0.95), tally.scoreMax(),
                    tally.percentilesExact());
        }
        Instant start = startedAt == null ? createdAt : startedAt;
        long millis = Duration.between(start, endedAt == null ? updatedAt : endedAt).toMillis();
        return new BatchJob.Summary(tally.scored(), tally.byModel(), tally.imputedEvents(), tally.imputedInputs(),
                scores, tally.decisions(), tally.failures(), tally.duplicates(), millis);
    }

    /** Nearest-rank percentile of sorted values. */
    public static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
