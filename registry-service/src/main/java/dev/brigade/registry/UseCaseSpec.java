package dev.brigade.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.brigade.platform.document.Wire;

/**
 * A use case's framing as code: the decision a model serves, how it is judged, who owns each stage and under which
 * policies it is promoted, retrained and watched. Built only by {@code SpecValidator}, so an instance is complete.
 * Canonical JSON of this record (sorted keys) is what registry-events stores and hashes.
 */
public record UseCaseSpec(String name, String description, Framing framing, Task task, Metrics metrics,
        Serving serving, Economics economics, Owners owners, PromotionPolicy promotionPolicy,
        RetrainingPolicy retrainingPolicy, List<AlertRule> alertRules, List<String> protectedAttributes,
        Training training) {

    @JsonIgnore
    public boolean isClassification() {
        return task.type() == TaskType.BINARY_CLASSIFICATION;
    }

    /** The gap metrics of this task: positive, true-positive and false-positive rate, or the mean absolute error. */
    @JsonIgnore
    public List<String> fairnessMetrics() {
        return isClassification() ? FairnessGuardrails.CLASSIFICATION_GAPS : FairnessGuardrails.REGRESSION_GAPS;
    }

    /** The fairness guardrails' minSliceSize, or the per-slice guardrails' when the spec sets none. */
    @JsonIgnore
    public int fairnessMinSliceSize() {
        FairnessGuardrails fairness = metrics.guardrails().fairness();
        return fairness != null && fairness.minSliceSize() != null ? fairness.minSliceSize()
                : metrics.guardrails().perSlice().minSliceSize();
    }

    /** The prediction target, the action taken on it, and what a wrong prediction costs: one sentence each. */
    public record Framing(String target, String action, String costOfError) {
    }

    public record Task(TaskType type, String entityKey, FeatureSetRef featureSet, Label label) {
    }

    public record FeatureSetRef(String name, int version) {
    }

    /** Where labels come from and how late they may arrive. */
    public record Label(String source, Duration maxDelay) {
    }

    public record Metrics(PrimaryMetric primary, Guardrails guardrails, BusinessMetric businessMetric) {
    }

    public record PrimaryMetric(String name, Direction direction) {
    }

    /** @param fairness caps on the gaps between slices of the protected attributes; null when the spec sets none */
    public record Guardrails(List<Guardrail> overall, SliceGuardrails perSlice, FairnessGuardrails fairness) {
    }

    /**
     * Caps on the gap (highest minus lowest slice value) of a rate or an error between the slices of each protected
     * attribute. A rate is compared only across slices with at least minSliceSize rows in its denominator (all rows
     * for positiveRate and mae, the positives for truePositiveRate, the negatives for falsePositiveRate), so a
     * handful of rows never decides a gap.
     *
     * @param minSliceSize null: the per-slice guardrails' minSliceSize
     * @param maxGaps gap metric -> largest acceptable gap; classification positiveRate, truePositiveRate,
     *        falsePositiveRate; regression mae
     */
    public record FairnessGuardrails(Integer minSliceSize, Map<String, Double> maxGaps) {

        public static final List<String> CLASSIFICATION_GAPS = List.of("positiveRate", "truePositiveRate",
                "falsePositiveRate");
        public static final List<String> REGRESSION_GAPS = List.of("mae");
    }

    /** A bound on one metric: min, max or both. */
    public record Guardrail(String metric, Double min, Double max) {

        public boolean holds(double value) {
            return (min == null || value >= min) && (max == null || value <= max);
        }

        public String bound() {
            if (min != null && max != null) {
                return "in [" + min + ", " + max + "]";
            }
            return min != null ? ">= " + min : "<= " + max;
        }
    }

    /** Guardrails per slice value; slices with fewer than minSliceSize examples are too noisy to judge. */
    public record SliceGuardrails(List<String> slices, int minSliceSize, List<Guardrail> rules) {
    }

    /**
     * The business metric: expected cost per prediction in the use case's currency, computed by training on the
     * holdout from the cost matrix. Lower is better.
     */
    public record BusinessMetric(String name, CostMatrix costMatrix) {
    }

    /**
     * Classification cells (truePositive, falsePositive, falseNegative, trueNegative) are a fixed cost or the name
     * of a feature whose value is the cost (the transaction amount); regression uses a cost per unit of error
     * below (underPrediction) and above (overPrediction) the true value.
     */
    public record CostMatrix(CostCell truePositive, CostCell falsePositive, CostCell falseNegative,
            CostCell trueNegative, Double underPrediction, Double overPrediction) {
    }

    /** A fixed cost, or the name of a feature that holds the cost of this example. */
    public record CostCell(Double fixed, String feature) {

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static CostCell of(Object value) {
            return value instanceof Number n ? new CostCell(n.doubleValue(), null) : new CostCell(null, (String) value);
        }

        @JsonValue
        public Object value() {
            return fixed != null ? fixed : feature;
        }
    }

    public record Serving(ServingMode mode, double latencyBudgetMs, Duration freshness, Double decisionThreshold) {
    }

    public record Economics(double cpuSecondCost, long dailyVolume, String currency) {
    }

    /** One named owner per stage of the loop. */
    public record Owners(String framing, String data, String training, String evaluation, String deploy,
            String monitor) {
    }

    /**
     * How a version earns an alias. Exactly one of minLift (significant lift) and nonInferiorityMargin applies to
     * the primary metric when it is checked.
     */
    public record PromotionPolicy(List<Check> checks, Double minLift, Double nonInferiorityMargin,
            Double maxCalibrationError, boolean requireApproval, List<RolloutStep> rollout, Boolean autoAdvance) {

        public boolean requires(Check check) {
            return checks.contains(check);
        }

        /** Whether the registry moves a gated version along the rollout by itself (null in older specs: no). */
        public boolean advancesAutomatically() {
            return Boolean.TRUE.equals(autoAdvance);
        }
    }

    /**
     * One step of the rollout. bake: how long a version must hold this step before the registry moves it on by
     * itself (autoAdvance); null where the policy does not advance automatically.
     */
    public record RolloutStep(Alias alias, Double trafficPercent, Duration bake) {

        public String label() {
            return trafficPercent == null ? alias.wire() : alias.wire() + " " + trafficPercent + "%";
        }
    }

    public record RetrainingPolicy(List<Signal> signals, long minNewLabelledExamples, Duration cooldown,
            int maxRunsPerDay) {
    }

    /**
     * How the kitchen trains this use case: applied over the training-service's defaults and under a request's
     * overrides. Null when the spec has no section.
     */
    public record Training(Hyperparameters hyperparameters) {
    }

    /** The training-service's hyperparameters, each optional (null: the default). */
    public record Hyperparameters(List<Integer> hiddenLayers, Integer maxEpochs, Integer batchSize,
            Double learningRate, Double l2, Integer patience, Double validationFraction, Long seed) {
    }

    public record AlertRule(String name, String metric, When when, double threshold, long minSamples,
            int persistence, AlertSeverity severity, String owner, String playbook, AlertAction action) {
    }

    public enum TaskType implements WireName {
        BINARY_CLASSIFICATION, REGRESSION;

        @JsonCreator
        public static TaskType fromWire(String text) {
            return Wire.parse(TaskType.class, text);
        }
    }

    public enum Direction implements WireName {
        HIGHER, LOWER;

        @JsonCreator
        public static Direction fromWire(String text) {
            return Wire.parse(Direction.class, text);
        }
    }

    public enum ServingMode implements WireName {
        ONLINE, BATCH;

        @JsonCreator
        public static ServingMode fromWire(String text) {
            return Wire.parse(ServingMode.class, text);
        }
    }

    /** The automated checks of a gate, in the order they are reported. */
    public enum Check implements WireName {
        PRIMARY_METRIC, GUARDRAILS, CALIBRATION, LATENCY, ECONOMICS;

        @JsonCreator
        public static Check fromWire(String text) {
            return Wire.parse(Check.class, text);
        }
    }

    /** What may trigger retraining; the training request reasons of the contract. */
    public enum Signal implements WireName {
        DRIFT, DEGRADED, NEW_DATA, SCHEDULE, MANUAL;

        @JsonCreator
        public static Signal fromWire(String text) {
            return Wire.parse(Signal.class, text);
        }
    }

    public enum When implements WireName {
        ABOVE, BELOW;

        @JsonCreator
        public static When fromWire(String text) {
            return Wire.parse(When.class, text);
        }
    }

    public enum AlertSeverity implements WireName {
        PAGE, TICKET;

        @JsonCreator
        public static AlertSeverity fromWire(String text) {
            return Wire.parse(AlertSeverity.class, text);
        }
    }

    public enum AlertAction implements WireName {
        PAGE, RETRAIN, ROLLBACK;

        @JsonCreator
        public static AlertAction fromWire(String text) {
            return Wire.parse(AlertAction.class, text);
        }
    }
}
