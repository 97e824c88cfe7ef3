package dev.brigade.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the monitor needs from a use-case spec (the registry's canonical JSON): task, decision threshold, label delay,
 * cost matrix, CPU price, owners per stage, alert rules and the retraining policy.
 */
public record UseCaseSettings(String name, int specVersion, boolean classification, Double decisionThreshold,
        Duration maxLabelDelay, CostMatrix costMatrix, double cpuSecondCost, String currency,
        Map<String, String> owners, List<AlertRule> alertRules, List<String> retrainSignals,
        Duration retrainCooldown, String businessMetricName, List<String> protectedAttributes,
        int fairnessMinSliceSize) {

    /**
     * @param protectedAttributes slice attributes whose gaps (positive, true- and false-positive rate, or MAE) the
     *        windows measure on realised labels; empty when the spec names none
     * @param fairnessMinSliceSize least labels in a rate's denominator for a slice to count in a gap
     */
    public UseCaseSettings {
        protectedAttributes = protectedAttributes == null ? List.of() : List.copyOf(protectedAttributes);
    }

    public UseCaseSettings(String name, int specVersion, boolean classification, Double decisionThreshold,
            Duration maxLabelDelay, CostMatrix costMatrix, double cpuSecondCost, String currency,
            Map<String, String> owners, List<AlertRule> alertRules, List<String> retrainSignals,
            Duration retrainCooldown, String businessMetricName) {
        this(name, specVersion, classification, decisionThreshold, maxLabelDelay, costMatrix, cpuSecondCost,
                currency, owners, alertRules, retrainSignals, retrainCooldown, businessMetricName, List.of(), 1);
    }

    /** Classification cells are a fixed cost or the name of a feature holding the cost; regression costs per unit. */
    public record CostMatrix(Cell truePositive, Cell falsePositive, Cell falseNegative, Cell trueNegative,
            double underPrediction, double overPrediction) {

        public static final CostMatrix NONE = new CostMatrix(Cell.ZERO, Cell.ZERO, Cell.ZERO, Cell.ZERO, 0, 0);

        public List<String> featureNames() {
            return java.util.stream.Stream.of(truePositive, falsePositive, falseNegative, trueNegative)
                    .filter(c -> c.feature() != null).map(Cell::feature).distinct().toList();
        }
    }

    public record Cell(double fixed, String feature) {

        public static final Cell ZERO = new Cell(0, null);

        public double cost(Map<String, Double> values) {
            if (feature == null) {
                return fixed;
            }
            Double v = values.get(feature);
            return v == null || !Double.isFinite(v) ? 0.0 : v;
        }
    }

    public double threshold() {
        return decisionThreshold == null ? 0.5 : decisionThreshold;
    }

    public boolean retrainsOn(String signal) {
        return retrainSignals.contains(signal);
    }
}
