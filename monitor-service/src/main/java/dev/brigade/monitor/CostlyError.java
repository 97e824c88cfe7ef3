package dev.brigade.monitor;

import java.util.Map;

/**
 * One realised error of a window, kept because it was among the costliest: what was served (features as the
 * server had them, null where missing or imputed), the score, the label that came later, and what it cost under the
 * spec's cost matrix.
 *
 * @param outcome classification: false-positive or false-negative; regression: over or under
 * @param loss log loss (classification) or absolute error (regression), the tie-break between equal costs
 */
public record CostlyError(String eventId, String predictionId, int version, String variant, long servedAt,
        long labelledAt, double score, double label, String outcome, double cost, double loss,
        Map<String, String> slices, Map<String, Object> features) {
}
