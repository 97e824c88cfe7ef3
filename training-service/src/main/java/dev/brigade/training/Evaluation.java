package dev.brigade.training;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The candidate, and the champion when there is one, on the same holdout rows.
 *
 * @param overall the candidate's metrics on all rows
 * @param championOverall the champion's metrics on the same rows (empty without a champion)
 * @param slices the candidate's metrics per value of each slice attribute, with counts
 * @param calibration classification only (null for regression)
 * @param businessCandidate expected cost per prediction of the candidate
 * @param businessChampion the champion's (empty without a champion)
 * @param comparison the primary metric's delta and its bootstrap interval (empty without a champion)
 * @param robustness the candidate's metrics when a share of the inputs is removed and imputed
 * @param robustnessMissingShare that share (e.g. 0.1)
 * @param worst the rows with the largest loss, worst first
 * @param fairness the gaps between the slices of each protected attribute (the champion's too when there is one);
 *        null when the spec names no protected attributes
 */
public record Evaluation(long n, Map<String, Double> overall, Map<String, Double> championOverall,
        List<SliceResult> slices, Calibration calibration, CostMatrix costMatrix, double businessCandidate,
        Optional<Double> businessChampion, Optional<DeltaInterval> comparison, Map<String, Double> robustness,
        double robustnessMissingShare, List<WorstExample> worst, Fairness fairness) {

    public Evaluation {
        overall = Map.copyOf(overall);
        championOverall = Map.copyOf(championOverall);
        slices = List.copyOf(slices);
        robustness = Map.copyOf(robustness);
        worst = List.copyOf(worst);
    }
}
