package dev.brigade.serving;

import java.util.List;

/**
 * A registered model version as serving needs it: where its artifact is, its runtime contract (inputs in order,
 * latency budget) and the feature set it was trained on.
 */
public record ModelVersionInfo(int version, String artifactSha256, long artifactSize, List<ContractInput> inputs,
        double latencyBudgetMs, String featureSet, int featureSetVersion, boolean baseline, boolean archived) {

    public ModelVersionInfo archive() {
        return new ModelVersionInfo(version, artifactSha256, artifactSize, inputs, latencyBudgetMs, featureSet,
                featureSetVersion, baseline, true);
    }
}
