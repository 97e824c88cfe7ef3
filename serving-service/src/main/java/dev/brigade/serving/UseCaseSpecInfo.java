package dev.brigade.serving;

import java.util.List;

/**
 * The parts of a use-case spec serving acts on: the latency budget (the feature look-up gets a share of it), the
 * rollout's canary percents, the feature set, the deploy owner (alerts name them) and the serving mode (online:
 * POST /v1/score; batch: scoring-requests to scores).
 */
public record UseCaseSpecInfo(int specVersion, String taskType, String featureSet, int featureSetVersion,
        double latencyBudgetMs, List<Double> canaryPercents, String deployOwner, ServingMode servingMode) {

    /** serving.mode of the spec. */
    public enum ServingMode {
        ONLINE, BATCH
    }

    public boolean batch() {
        return servingMode == ServingMode.BATCH;
    }
}
