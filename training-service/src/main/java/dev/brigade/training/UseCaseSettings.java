package dev.brigade.training;

import java.util.List;
import java.util.Map;

import dev.brigade.model.ModelTask;

/**
 * What training needs from a use case's latest spec (fetched from the registry).
 *
 * @param specVersion the spec version these settings come from, for the run record
 * @param decisionThreshold classification: the serving threshold (the artifact carries it); null for regression
 * @param sliceAttributes the slice attributes the guardrails break down by
 * @param latencyBudgetMs the serving budget; the runtime contract's budget must not exceed it
 * @param owner the training owner, written into the runtime contract
 * @param hyperparameters the spec's training.hyperparameters by name (empty when the spec has none), applied over
 *        the defaults and under a request's overrides
 * @param protectedAttributes the slice attributes whose gaps the report measures (empty when the spec names none)
 * @param fairnessMinSliceSize least rows in a rate's denominator for a slice to count in a gap
 */
public record UseCaseSettings(String name, int specVersion, ModelTask task, String featureSet, int featureSetVersion,
        String primaryMetric, List<String> sliceAttributes, CostMatrix costMatrix, Double decisionThreshold,
        double latencyBudgetMs, String owner, RetrainingPolicy retraining, Map<String, String> hyperparameters,
        List<String> protectedAttributes, int fairnessMinSliceSize) {

    public UseCaseSettings {
        sliceAttributes = List.copyOf(sliceAttributes);
        hyperparameters = Map.copyOf(hyperparameters);
        protectedAttributes = List.copyOf(protectedAttributes);
    }

    /** What the evaluation's fairness section measures. */
    public Fairness.Settings fairness() {
        return new Fairness.Settings(protectedAttributes, fairnessMinSliceSize);
    }

    /** The defaults, then the spec's values, then the request's overrides: the most specific wins. */
    public Hyperparameters hyperparameters(Map<String, String> requestOverrides) {
        Hyperparameters fromSpec;
        try {
            fromSpec = Hyperparameters.defaults().withOverrides(hyperparameters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.training.hyperparameters." + e.getMessage(), e);
        }
        return fromSpec.withOverrides(requestOverrides);
    }
}
