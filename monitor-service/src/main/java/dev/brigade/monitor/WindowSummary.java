package dev.brigade.monitor;

import java.util.List;
import java.util.Map;

/**
 * A closed window of one model version of one use case, as kept in the history and shown on the dashboard.
 * {@code metrics} holds every number an alert rule may name; a metric that the window cannot give (no labels yet,
 * no reference) is absent. Performance counts the labels that arrived in this window.
 */
public record WindowSummary(String useCase, int version, String variant, long windowStart, long windowEnd,
        long closedAt, long predictions, long errors, Double latencyP50Ms, Double latencyP95Ms, Double latencyP99Ms,
        Double cpuSecondsPerPrediction, Double cpuCostPerPrediction, Double scoreMean, long[] scoreHistogram,
        Double scoreP10, Double scoreP50, Double scoreP90, long unprofiled, List<FeatureDrift> features,
        int driftedFeatures, List<FeatureSkew> skew, long skewPairs, Performance performance,
        Map<String, Double> offline, Map<String, Double> metrics, Map<String, Long> samples, Fairness fairness) {

    public WindowSummary(String useCase, int version, String variant, long windowStart, long windowEnd,
            long closedAt, long predictions, long errors, Double latencyP50Ms, Double latencyP95Ms,
            Double latencyP99Ms, Double cpuSecondsPerPrediction, Double cpuCostPerPrediction, Double scoreMean,
            long[] scoreHistogram, Double scoreP10, Double scoreP50, Double scoreP90, long unprofiled,
            List<FeatureDrift> features, int driftedFeatures, List<FeatureSkew> skew, long skewPairs,
            Performance performance, Map<String, Double> offline, Map<String, Double> metrics,
            Map<String, Long> samples) {
        this(useCase, version, variant, windowStart, windowEnd, closedAt, predictions, errors, latencyP50Ms,
                latencyP95Ms, latencyP99Ms, cpuSecondsPerPrediction, cpuCostPerPrediction, scoreMean, scoreHistogram,
                scoreP10, scoreP50, scoreP90, unprofiled, features, driftedFeatures, skew, skewPairs, performance,
                offline, metrics, samples, null);
    }

    /**
     * The gaps between the slices of each protected attribute on the labels that arrived in the window, computed as
     * training's report does (positive, true- and false-positive rate at the threshold, or MAE; a slice counts in a
     * metric's gap with at least minSliceSize labels in its denominator). Null when the spec names no attributes.
     */
    public record Fairness(int minSliceSize, List<SliceRates> slices, List<Gap> gaps) {
    }

    /** One slice's realised rates (or MAE) with its counts; positives and negatives are 0 for regression. */
    public record SliceRates(String attribute, String value, long labelled, long positives, long negatives,
            Map<String, Double> metrics) {
    }

    public record Gap(String attribute, String metric, double gap, String highest, String lowest,
            int slicesCompared, long samples) {
    }

    public record FeatureSkew(String feature, long compared, long mismatched, long ignored, double mismatchRate) {
    }

    /** Realised on the labels that arrived in the window; null fields where the task or the labels do not allow. */
    public record Performance(long labelled, Double auc, Double accuracy, Double precision, Double recall, Double mae,
            Double rmse, Double businessMetric, Double meanLabelDelayHours) {
    }

    /** How many samples the metric was computed from (minimum-samples rule); 0 when unknown. */
    public long samplesOf(String metric) {
        Long n = samples.get(metric);
        return n == null ? 0 : n;
    }
}
