package dev.brigade.training.service;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary classification metrics of probabilities against 0/1 labels. A metric that is undefined for the rows
 * (AUC with one class, precision with no positive decision, recall with no positive label) is left out of
 * {@link #all}, because the registry accepts only finite numbers and a made-up value would mislead a gate.
 */
public final class ClassificationMetrics {

    /** Probabilities are clipped to [EPS, 1 - EPS] for the log loss, so one confident mistake stays finite. */
    static final double EPS = 1e-15;

    private ClassificationMetrics() {
    }

    /** Counts of decisions at a threshold: positive when score >= threshold, as the Scorer decides. */
    public record Confusion(long tp, long fp, long tn, long fn) {

        public long n() {
            return tp + fp + tn + fn;
        }

        public double accuracy() {
            return n() == 0 ? Double.NaN : (double) (tp + tn) / n();
        }

        public double precision() {
            return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        }

        public double recall() {
            return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
        }
    }

    /** auc, logLoss, accuracy, precision and recall at the threshold; undefined ones omitted. */
    public static Map<String, Double> all(double[] scores, double[] labels, double threshold) {
        Map<String, Double> out = new LinkedHashMap<>();
        Confusion c = confusion(scores, labels, threshold);
        put(out, "auc", auc(scores, labels));
        put(out, "logLoss", logLoss(scores, labels));
        put(out, "accuracy", c.accuracy());
        put(out, "precision", c.precision());
        put(out, "recall", c.recall());
        return out;
    }

    public static Confusion confusion(double[] scores, double[] labels, double threshold) {
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= threshold;
            boolean actual = labels[i] == 1.0;
            if (predicted && actual) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /**
     * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random positive scores above a
     * random negative, ties counting one half (average ranks). NaN without both classes.
     */
    public static double auc(double[] scores, double[] labels) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1.0) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Mean negative log-likelihood of the labels. */
    public static double logLoss(double[] scores, double[] labels) {
        if (scores.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            double p = Math.min(Math.max(scores[i], EPS), 1 - EPS);
            sum -= labels[i] == 1.0 ? Math.log(p) : Math.log(1 - p);
        }
        return sum / scores.length;
    }

    private static void put(Map<String, Double> out, String name, double value) {
        if (Double.isFinite(value)) {
            out.put(name, value);
        }
    }
}
