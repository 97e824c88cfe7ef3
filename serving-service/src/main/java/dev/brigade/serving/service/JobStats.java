package dev.brigade.serving.service;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.brigade.serving.BatchJob;
import dev.brigade.serving.ScoreAnswer;

/**
 * What a batch job produced, tallied as it goes: counts by model, decision and failure, imputation, and the scores'
 * mean, extremes and percentiles. Written by the job's thread and the producer's callbacks.
 */
final class JobStats {

    /** Scores kept for the percentiles; beyond it a uniform sample (reservoir) stands for them. */
    static final int SAMPLE = 1_000_000;

    final AtomicLong matched = new AtomicLong();
    final AtomicLong scored = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    // Guarded by this: the summary's tallies.
    private final Map<String, Long> byModel = new TreeMap<>();
    private final Map<String, Long> decisions = new TreeMap<>();
    private final Map<String, Long> failures = new TreeMap<>();
    private long imputedEvents;
    private long imputedInputs;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double[] sample = new double[1024];
    private long seenScores;
    private final Random reservoir = new Random(42);

    /** A score Kafka acknowledged. */
    synchronized void scored(ScoreAnswer answer) {
        scored.incrementAndGet();
        byModel.merge("v" + answer.model().version() + " " + answer.model().variant(), 1L, Long::sum);
        if (answer.decision() != null) {
            decisions.merge(answer.decision(), 1L, Long::sum);
        }
        long imputed = answer.features().values().stream().filter(f -> "IMPUTED".equals(f.status())).count();
        if (imputed > 0) {
            imputedEvents++;
            imputedInputs += imputed;
        }
        double s = answer.score();
        sum += s;
        min = Math.min(min, s);
        max = Math.max(max, s);
        if (seenScores < SAMPLE) {
            if (seenScores == sample.length) {
                sample = Arrays.copyOf(sample, (int) Math.min(SAMPLE, sample.length * 2L));
            }
            sample[(int) seenScores] = s;
        } else {
            long slot = (long) (reservoir.nextDouble() * (seenScores + 1));
            if (slot < SAMPLE) {
                sample[(int) slot] = s;
            }
        }
        seenScores++;
    }

    synchronized void failure(String reason) {
        failures.merge(reason, 1L, Long::sum);
    }

    synchronized BatchJob.Summary summary(long durationMillis) {
        int n = (int) Math.min(seenScores, SAMPLE);
        BatchJob.Scores stats = null;
        if (n > 0) {
            double[] sorted = Arrays.copyOf(sample, n);
            Arrays.sort(sorted);
            stats = new BatchJob.Scores(sum / seenScores, min, percentile(sorted, 0.50), percentile(sorted, 0.95),
                    max, seenScores <= SAMPLE);
        }
        return new BatchJob.Summary(scored.get(), Map.copyOf(byModel), imputedEvents, imputedInputs, stats,
                Map.copyOf(decisions), Map.copyOf(failures), duplicates.get(), durationMillis);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
