package dev.brigade.registry;

import java.util.List;
import java.util.Map;

/**
 * What training measured on the shared holdout; the gates read it. The contract is docs/model-artifacts.md.
 *
 * @param championComparison the primary metric against the champion with a bootstrap CI; null for a first model
 * @param latency training's own timing, informational: the latency gate measures for itself
 * @param baselineComparison the primary metric against the simple baseline fitted on the same split; null when the
 *        trainer fitted none (the baseline gate check is then skipped)
 * @param worstExamples the holdout rows with the largest loss, worst first; empty when the trainer kept none
 * @param fairness per protected attribute, each slice's rates (or error) and the gaps between slices; null when the
 *        report has none
 */
public record EvaluationReport(Holdout holdout, Overall overall, List<SliceResult> slices, Calibration calibration,
        BusinessValue businessMetric, ChampionComparison championComparison, LatencyHints latency,
        BaselineComparison baselineComparison, List<WorstExample> worstExamples, FairnessReport fairness) {

    public EvaluationReport {
        worstExamples = worstExamples == null ? List.of() : List.copyOf(worstExamples);
    }

    /**
     * One of the holdout rows the candidate got most wrong, kept so a person can look at it: its loss (log loss or
     * absolute error), label and score, its slice values and its input values as the model saw them (before
     * imputation; null where missing).
     */
    public record WorstExample(String eventId, double label, double score, double loss, Map<String, String> slices,
            Map<String, Object> features) {
    }

    public record Holdout(String description, long n, List<Lineage.DatasetRange> ranges) {
    }

    public record Overall(long n, Map<String, Double> metrics) {
    }

    /** Metrics of the examples whose slice attribute (e.g. region) has this value (e.g. eu). */
    public record SliceResult(String slice, String value, long n, Map<String, Double> metrics) {

        public String label() {
            return slice + "=" + value;
        }
    }

    /** Expected calibration error over the bins (count-weighted |meanPredicted - observedRate|). */
    public record Calibration(double ece, List<Bin> bins) {

        public record Bin(double lower, double upper, long count, double meanPredicted, double observedRate) {
        }
    }

    /** The business metric (expected cost per prediction) of the candidate and, when there is one, the champion. */
    public record BusinessValue(String name, double candidate, Double champion) {
    }

    /**
     * delta = candidate - champion on the same holdout rows; [ciLow, ciHigh] its bootstrap confidence interval
     * (paired resampling of the n holdout rows).
     */
    public record ChampionComparison(int championVersion, String metric, double candidate, double champion,
            double delta, double ciLow, double ciHigh, long n, double confidence, int resamples) {
    }

    /**
     * The candidate against the baseline (class prior or logistic regression; mean or linear regression) trained on
     * the same split and registered beside it: delta = candidate - baseline with its bootstrap CI.
     *
     * @param baselineVersion the baseline's model version, when it was registered
     */
    public record BaselineComparison(Integer baselineVersion, String model, String metric, double candidate,
            double baseline, double delta, double ciLow, double ciHigh, long n) {
    }

    public record LatencyHints(Double meanMicros, Double p99Micros, Long parameters) {
    }
}
