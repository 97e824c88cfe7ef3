package dev.brigade.training;

import java.util.List;

import dev.brigade.model.ModelTask;

/**
 * What training needs from a use case's latest spec (fetched from the registry).
 *
 * @param specVersion the spec version these settings come from, for the run record
 * @param decisionThreshold classification: the serving threshold (the artifact carries it); null for regression
 * @param sliceAttributes the slice attributes the guardrails break down by
 * @param latencyBudgetMs the serving budget; the runtime contract's budget must not exceed it
 * @param owner the training owner, written into the runtime contract
 */
public record UseCaseSettings(String name, int specVersion, ModelTask task, String featureSet, int featureSetVersion,
        String primaryMetric, List<String> sliceAttributes, CostMatrix costMatrix, Double decisionThreshold,
        double latencyBudgetMs, String owner, RetrainingPolicy retraining) {

    public UseCaseSettings {
        sliceAttributes = List.copyOf(sliceAttributes);
    }
}
