package dev.brigade.serving.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.brigade.serving.JobState;
import dev.brigade.serving.ScoreAnswer;

/**
 * What a batch job produced, tallied as it goes: counts by model, decision and failure, imputation, and the scores'
 * mean, extremes and a sample for the percentiles. Starts from the tally of the checkpoint an attempt resumes from;
 * written by the job's thread and the producer's callbacks; {@link #snapshot} is the tally a checkpoint writes.
 */
final class JobStats {

    /** Scores of this attempt kept for the percentiles; beyond it a uniform sample (reservoir) stands for them. */
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
    /** The checkpoint's sample and how many scores it stands for. */
    private final double[] carried;
    private final long carriedCount;
    private final boolean carriedExact;
    private double[] sample = new double[1024];
    private long seenScores;
    private final Random reservoir = new Random(42);

    JobStats() {
        this(JobState.Tally.EMPTY);
    }

    JobStats(JobState.Tally from) {
        matched.set(from.matched());
        scored.set(from.scored());
        duplicates.set(from.duplicates());
        byModel.putAll(from.byModel());
        decisions.putAll(from.decisions());
        failures.putAll(from.failures());
        imputedEvents = from.imputedEvents();
        imputedInputs = from.imputedInputs();
        sum = from.scoreSum();
        min = from.scoreMin();
        max = from.scoreMax();
        carried = from.sample().stream().mapToDouble(Double::doubleValue).toArray();
        carriedCount = carried.length == 0 ? 0 : from.scoreCount();
        // every earlier score is in the sample itself: merging stays exact
        carriedExact = from.percentilesExact() && carried.length == carriedCount;
    }

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
        score(answer.score());
    }

    synchronized void score(double s) {
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

    /**
     * The tally so far; its sample is every score while there are at most {@code sampleSize}, else
     * {@code sampleSize} evenly spaced quantiles of the checkpoint's sample and this attempt's scores, each weighted
     * by how many scores it stands for.
     */
    synchronized JobState.Tally snapshot(int sampleSize) {
        long count = carriedCount + seenScores;
        int own = (int) Math.min(seenScores, SAMPLE);
        // primitive arrays and a merge walk: a checkpoint of a million-score job sorts once, allocates little
        double[] mine = Arrays.copyOf(sample, own);
        Arrays.sort(mine);
        double[] before = carried.clone();
        Arrays.sort(before);
        double carriedWeight = before.length == 0 ? 0 : (double) carriedCount / before.length;
        double ownWeight = own == 0 ? 0 : (double) seenScores / own;
        List<Double> kept = new ArrayList<>();
        int k = Math.max(1, sampleSize);
        if (before.length + own <= k && count == before.length + own) {
            int i = 0;
            int j = 0;
            while (i < before.length || j < own) {
                kept.add(j >= own || i < before.length && before[i] <= mine[j] ? before[i++] : mine[j++]);
            }
        } else if (before.length + own > 0) {
            double total = carriedWeight * before.length + ownWeight * own;
            int i = 0;
            int j = 0;
            double cumulative = 0;
            double value = Double.NaN;
            for (int q = 1; q <= k; q++) {
                double target = total * q / k;
                // nearest rank on the weights: the first value whose cumulative weight reaches the target
                while ((cumulative < target - 1e-9 || Double.isNaN(value)) && (i < before.length || j < own)) {
                    if (j >= own || i < before.length && before[i] <= mine[j]) {
                        value = before[i++];
                        cumulative += carriedWeight;
                    } else {
                        value = mine[j++];
                        cumulative += ownWeight;
                    }
                }
                kept.add(value);
            }
        }
        return new JobState.Tally(matched.get(), scored.get(), duplicates.get(), imputedEvents, imputedInputs,
                byModel, decisions, failures, count, sum, min, max, kept, carriedExact && seenScores <= SAMPLE);
    }
}
