package dev.brigade.training.service;

import java.util.Arrays;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;

import dev.brigade.training.DeltaInterval;

/**
 * Paired bootstrap of a metric's delta between two models scored on the same rows: each resample draws n row
 * indices with replacement and evaluates both models on the same draw, so the interval reflects the row-to-row
 * correlation of the two models rather than two independent errors.
 */
public final class Bootstrap {

    private Bootstrap() {
    }

    /**
     * Percentile interval at {@code confidence} (linear interpolation between order statistics). Resamples where
     * the metric is undefined (e.g. AUC of a draw with one class) are dropped; if all are, the interval is the
     * point delta. One function per model: a threshold metric (precision, recall, accuracy) is measured at each
     * model's own decision threshold.
     */
    public static DeltaInterval pairedDelta(String metric, ToDoubleBiFunction<double[], double[]> candidateFn,
            ToDoubleBiFunction<double[], double[]> championFn, double[] candidate, double[] champion,
            double[] labels, int resamples, double confidence, long seed) {
        int n = labels.length;
        double c = candidateFn.applyAsDouble(candidate, labels);
        double h = championFn.applyAsDouble(champion, labels);
        Random random = new Random(seed);
        double[] deltas = new double[resamples];
        int kept = 0;
        double[] cs = new double[n];
        double[] hs = new double[n];
        double[] ls = new double[n];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                int k = random.nextInt(n);
                cs[i] = candidate[k];
                hs[i] = champion[k];
                ls[i] = labels[k];
            }
            double d = candidateFn.applyAsDouble(cs, ls) - championFn.applyAsDouble(hs, ls);
            if (Double.isFinite(d)) {
                deltas[kept++] = d;
            }
        }
        double delta = c - h;
        if (kept == 0) {
            return new DeltaInterval(metric, c, h, delta, delta, delta, n, confidence, resamples);
        }
        double[] sorted = Arrays.copyOf(deltas, kept);
        Arrays.sort(sorted);
        double alpha = (1 - confidence) / 2;
        return new DeltaInterval(metric, c, h, delta, quantile(sorted, alpha), quantile(sorted, 1 - alpha), n,
                confidence, resamples);
    }

    /** Quantile of sorted values with linear interpolation: position q * (m - 1). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.length - 1);
        double weight = position - lower;
        return sorted[lower] + (sorted[upper] - sorted[lower]) * weight;
    }
}
