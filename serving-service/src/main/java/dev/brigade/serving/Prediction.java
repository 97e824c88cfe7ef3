package dev.brigade.serving;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One scored request as the prediction log keeps it: the features as served (after imputation), the score, and the
 * model version and variant that produced it.
 */
public record Prediction(String predictionId, String eventId, String entityId, String useCase, int modelVersion,
        Variant variant, Map<String, ScoreAnswer.ServedFeature> features, double score, String decision,
        long latencyMicros, long cpuMicros, Instant servedAt, List<String> warnings) {
}
