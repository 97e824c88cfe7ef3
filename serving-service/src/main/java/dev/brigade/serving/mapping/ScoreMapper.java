package dev.brigade.serving.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.ScoringRequested;
import dev.brigade.platform.http.FieldError;
import dev.brigade.serving.Names;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.ScoreRequest;
import dev.brigade.serving.client.FeatureLookup;

/**
 * The batch edge: ScoringRequested (Avro) to the domain's {@link ScoreRequest}, a computed FeatureVector to the
 * {@link FeatureLookup} the online path would have received, and a {@link ScoreAnswer} to ScoreProduced.
 */
public final class ScoreMapper {

    private ScoreMapper() {
    }

    /** Every field of a ScoringRequested that makes it unscorable, named as in the schema; empty when valid. */
    public static List<FieldError> validate(ScoringRequested request) {
        List<FieldError> errors = new ArrayList<>();
        id(errors, "requestId", request.getRequestId());
        id(errors, "eventId", request.getEventId());
        id(errors, "entityId", request.getEntityId());
        String useCase = request.getUseCase();
        if (useCase == null || !Names.USE_CASE.matcher(useCase).matches()) {
            errors.add(new FieldError("useCase", "must match " + Names.USE_CASE.pattern()));
        }
        return errors;
    }

    /** A valid request as the scoring core takes it; string attributes stay strings (no model input takes one). */
    public static ScoreRequest toRequest(ScoringRequested request) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (request.getAttributes() != null) {
            request.getAttributes().forEach((name, value) -> attributes.put(name.toString(),
                    value instanceof CharSequence text ? text.toString() : value));
        }
        return new ScoreRequest(request.getEventId(), request.getEntityId(), attributes, request.getEventTime());
    }

    /**
     * A feature vector the feature-service computed (point in time, from the same code as its online look-up) as
     * the look-up answer the online path would have had for that event: same values, same statuses.
     */
    public static FeatureLookup toLookup(FeatureVector vector) {
        Map<String, FeatureLookup.Value> values = new LinkedHashMap<>();
        vector.getValues().forEach((name, value) -> {
            FeatureStatus status = vector.getStatuses() == null ? null : vector.getStatuses().get(name);
            Object v = value instanceof CharSequence text ? text.toString() : value;
            values.put(name.toString(), new FeatureLookup.Value(v,
                    status != null ? status.name() : v == null ? "MISSING" : "PRESENT"));
        });
        return new FeatureLookup(FeatureLookup.Outcome.OK, values, 0, null);
    }

    /** The scoring request a stored vector stands for: no attributes, every input comes from the vector. */
    public static ScoreRequest toRequest(FeatureVector vector) {
        return new ScoreRequest(vector.getEventId(), vector.getEntityId(), Map.of(), vector.getEventTime());
    }

    /**
     * @param requestId the ScoringRequested answered, or null
     * @param jobId the batch job, or null
     */
    public static ScoreProduced toEvent(ScoreAnswer answer, String requestId, String jobId, Instant eventTime,
            Instant scoredAt) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, FeatureStatus> statuses = new LinkedHashMap<>();
        List<String> imputed = new ArrayList<>();
        answer.features().forEach((name, f) -> {
            values.put(name, f.value());
            statuses.put(name, FeatureStatus.valueOf(f.status()));
            if ("IMPUTED".equals(f.status())) {
                imputed.add(name);
            }
        });
        return ScoreProduced.newBuilder()
                .setPredictionId(answer.predictionId())
                .setRequestId(requestId)
                .setJobId(jobId)
                .setEventId(answer.eventId())
                .setEntityId(answer.entityId())
                .setUseCase(answer.useCase())
                .setModelVersion(answer.model().version())
                .setVariant(dev.brigade.events.Variant.valueOf(answer.model().variant().name()))
                .setScore(answer.score())
                .setDecision(answer.decision())
                .setFeatures(values)
                .setFeatureStatuses(statuses)
                .setImputed(imputed)
                .setWarnings(answer.warnings())
                .setEventTime(eventTime)
                .setScoredAt(scoredAt)
                .build();
    }

    private static void id(List<FieldError> errors, String field, String value) {
        if (value == null || !Names.ID.matcher(value).matches()) {
            errors.add(new FieldError(field, "must be 1 to 128 of letters, digits and . _ : @ - (starting with a "
                    + "letter or digit)"));
        }
    }
}
