package dev.brigade.training.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.brigade.model.ModelTask;
import dev.brigade.training.Example;
import dev.brigade.training.Fairness;

/**
 * The fairness section of a report: for each protected attribute, each slice's rates at the model's decision
 * threshold (or its mean absolute error) and the gap per metric between the highest and the lowest slice that is
 * large enough in the metric's denominator. A slice too small for a metric keeps its value (it is informative) but
 * does not count in that metric's gap.
 */
public final class FairnessMetrics {

    private FairnessMetrics() {
    }

    /** The metrics whose gaps a task reports. */
    public static List<String> metrics(ModelTask task) {
        return task == ModelTask.BINARY_CLASSIFICATION
                ? List.of(Fairness.POSITIVE_RATE, Fairness.TRUE_POSITIVE_RATE, Fairness.FALSE_POSITIVE_RATE)
                : List.of(Fairness.MAE);
    }

    /**
     * @param championScores the champion's scores on the same rows, or null
     * @return null when there are no protected attributes
     */
    public static Fairness of(ModelTask task, List<Example> rows, double[] scores, double[] labels, double threshold,
            double[] championScores, double championThreshold, Fairness.Settings settings) {
        if (settings.attributes().isEmpty()) {
            return null;
        }
        List<Fairness.Attribute> attributes = new ArrayList<>();
        for (String attribute : settings.attributes()) {
            List<Fairness.Slice> slices = new ArrayList<>();
            List<Fairness.Slice> championSlices = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> e : rowsBySlice(rows, attribute).entrySet()) {
                slices.add(slice(task, e.getKey(), e.getValue(), scores, labels, threshold));
                if (championScores != null) {
                    championSlices.add(slice(task, e.getKey(), e.getValue(), championScores, labels,
                            championThreshold));
                }
            }
            attributes.add(new Fairness.Attribute(attribute, slices, gaps(task, slices, settings.minSliceSize()),
                    championScores == null ? null : gaps(task, championSlices, settings.minSliceSize())));
        }
        return new Fairness(settings.minSliceSize(), attributes);
    }

    /** The indices of the rows per value of the slice attribute, by value; rows without one are in none. */
    static Map<String, List<Integer>> rowsBySlice(List<Example> rows, String attribute) {
        Map<String, List<Integer>> byValue = new TreeMap<>();
        for (int r = 0; r < rows.size(); r++) {
            String value = rows.get(r).slices().get(attribute);
            if (value != null) {
                byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(r);
            }
        }
        return byValue;
    }

    static Fairness.Slice slice(ModelTask task, String value, List<Integer> indices, double[] scores,
            double[] labels, double threshold) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        long n = indices.size();
        if (task != ModelTask.BINARY_CLASSIFICATION) {
            double sum = 0;
            for (int r : indices) {
                sum += Math.abs(scores[r] - labels[r]);
            }
            metrics.put(Fairness.MAE, sum / n);
            return new Fairness.Slice(value, n, null, null, metrics);
        }
        long positives = 0;
        long decidedPositive = 0;
        long truePositives = 0;
        long falsePositives = 0;
        for (int r : indices) {
            boolean actual = labels[r] == 1.0;
            boolean predicted = scores[r] >= threshold;
            positives += actual ? 1 : 0;
            decidedPositive += predicted ? 1 : 0;
            truePositives += actual && predicted ? 1 : 0;
            falsePositives += !actual && predicted ? 1 : 0;
        }
        long negatives = n - positives;
        metrics.put(Fairness.POSITIVE_RATE, (double) decidedPositive / n);
        if (positives > 0) {
            metrics.put(Fairness.TRUE_POSITIVE_RATE, (double) truePositives / positives);
        }
        if (negatives > 0) {
            metrics.put(Fairness.FALSE_POSITIVE_RATE, (double) falsePositives / negatives);
        }
        return new Fairness.Slice(value, n, positives, negatives, metrics);
    }

    /** Per metric, the gap over the slices with at least minSliceSize rows in its denominator; none below two. */
    static List<Fairness.Gap> gaps(ModelTask task, List<Fairness.Slice> slices, int minSliceSize) {
        List<Fairness.Gap> gaps = new ArrayList<>();
        for (String metric : metrics(task)) {
            Fairness.Slice high = null;
            Fairness.Slice low = null;
            int compared = 0;
            for (Fairness.Slice slice : slices) {
                Double value = slice.metrics().get(metric);
                if (value == null || slice.support(metric) < minSliceSize) {
                    continue;
                }
                compared++;
                if (high == null || value > high.metrics().get(metric)) {
                    high = slice;
                }
                if (low == null || value < low.metrics().get(metric)) {
                    low = slice;
                }
            }
            if (compared >= 2) {
                gaps.add(new Fairness.Gap(metric, high.metrics().get(metric) - low.metrics().get(metric),
                        high.value(), low.value(), compared));
            }
        }
        return gaps;
    }
}
