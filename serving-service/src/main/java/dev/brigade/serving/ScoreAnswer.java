package dev.brigade.serving;

import java.util.List;
import java.util.Map;

/**
 * The answer to a scored request.
 *
 * @param features every model input as served, with where its value came from (PRESENT, DEFAULTED, NO_HISTORY from
 *        the feature-service or the request; IMPUTED from the training statistics)
 * @param degraded true when the feature-service was slow, absent or failing and inputs were imputed instead
 */
public record ScoreAnswer(String predictionId, String eventId, String entityId, String useCase, double score,
        String decision, ModelRef model, Map<String, ServedFeature> features, boolean degraded,
        List<String> warnings, Latency latency) {

    public record ModelRef(int version, Variant variant) {
    }

    public record ServedFeature(Object value, String status) {
    }

    /** Wall-clock time of the whole request, of the feature look-up, CPU time of this thread, and the budget. */
    public record Latency(long totalMicros, long featuresMicros, long cpuMicros, double budgetMs) {
    }
}
