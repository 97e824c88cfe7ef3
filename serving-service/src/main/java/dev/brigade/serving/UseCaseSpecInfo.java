package dev.brigade.serving;

import java.util.List;

/**
 * The parts of a use-case spec serving acts on: the latency budget (the feature look-up gets a share of it), the
 * rollout's canary percents, the feature set, and the deploy owner (alerts name them).
 */
public record UseCaseSpecInfo(int specVersion, String taskType, String featureSet, int featureSetVersion,
        double latencyBudgetMs, List<Double> canaryPercents, String deployOwner) {
}
