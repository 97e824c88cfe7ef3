package dev.brigade.serving.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.ScoringRequested;
import dev.brigade.events.TaskType;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.platform.http.FieldError;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.ScoreRequest;
import dev.brigade.serving.UseCaseSpecInfo;
import dev.brigade.serving.Variant;
import dev.brigade.serving.client.FeatureLookup;

class ScoreMapperTest {

    private static final Instant T = Instant.parse("2026-11-20T10:15:00Z");

    private static ScoringRequested.Builder request() {
        return ScoringRequested.newBuilder().setRequestId("req-1").setUseCase("fraud-batch").setEventId("evt-1")
                .setEntityId("card-7").setAttributes(Map.of("amount", 12.5, "online", true));
    }

    @Test
    void aValidRequestBecomesTheDomainRequestWithItsEventTime() {
        // Given a request with attributes (a null among them) and an event time
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("amount", 12.5);
        attributes.put("merchant", "m-1");
        attributes.put("note", null);
        ScoringRequested event = request().setAttributes(attributes).setEventTime(T).build();

        // When it is validated and mapped
        List<FieldError> errors = ScoreMapper.validate(event);
        ScoreRequest mapped = ScoreMapper.toRequest(event);

        // Then it is valid, and the features will be looked up as of its event time
        assertThat(errors).isEmpty();
        assertThat(mapped.eventId()).isEqualTo("evt-1");
        assertThat(mapped.entityId()).isEqualTo("card-7");
        assertThat(mapped.eventTime()).isEqualTo(T);
        assertThat(mapped.attributes()).containsEntry("amount", 12.5).containsEntry("merchant", "m-1")
                .containsEntry("note", null);
    }

    @Test
    void everyBadFieldIsNamed() {
        // Given a request with an empty request id, an id with a slash and an invalid use-case name
        ScoringRequested event = request().setRequestId("").setEntityId("card/7").setUseCase("Fraud Batch").build();

        // When it is validated
        List<FieldError> errors = ScoreMapper.validate(event);

        // Then each field is named
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("requestId", "entityId",
                "useCase");
    }

    @Test
    void aComputedVectorIsTheLookUpTheOnlinePathWouldHaveHad() {
        // Given a vector with a present, a no-history and a missing value, one status not given
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("amount", 250.0);
        values.put("txn_count_10m", 3L);
        values.put("amount_sum_24h", 0.0);
        values.put("online", null);
        FeatureVector vector = FeatureVector.newBuilder().setEventId("evt-9").setEntityId("card-7").setEventTime(T)
                .setFeatureSet("card-activity").setFeatureSetVersion(1).setValues(values)
                .setStatuses(Map.of("amount", FeatureStatus.PRESENT, "amount_sum_24h", FeatureStatus.NO_HISTORY))
                .setComputedAt(T).build();

        // When it is mapped
        FeatureLookup lookup = ScoreMapper.toLookup(vector);
        ScoreRequest request = ScoreMapper.toRequest(vector);

        // Then the values and statuses are the vector's, and the request carries no attributes of its own
        assertThat(lookup.ok()).isTrue();
        assertThat(lookup.features()).containsEntry("amount", new FeatureLookup.Value(250.0, "PRESENT"))
                .containsEntry("txn_count_10m", new FeatureLookup.Value(3L, "PRESENT"))
                .containsEntry("amount_sum_24h", new FeatureLookup.Value(0.0, "NO_HISTORY"))
                .containsEntry("online", new FeatureLookup.Value(null, "MISSING"));
        assertThat(request.attributes()).isEmpty();
        assertThat(request.eventTime()).isEqualTo(T);
    }

    @Test
    void anAnswerBecomesScoreProducedWithItsImputedInputs() {
        // Given an answer with one imputed input
        Map<String, ScoreAnswer.ServedFeature> features = new LinkedHashMap<>();
        features.put("amount", new ScoreAnswer.ServedFeature(250.0, "PRESENT"));
        features.put("online", new ScoreAnswer.ServedFeature(false, "IMPUTED"));
        ScoreAnswer answer = new ScoreAnswer("p-1", "evt-1", "card-7", "fraud-batch", 0.73, "positive",
                new ScoreAnswer.ModelRef(3, Variant.CANARY), features, false, List.of("imputed: online"),
                new ScoreAnswer.Latency(10, 5, 2, 0));

        // When it is mapped for a batch job
        ScoreProduced event = ScoreMapper.toEvent(answer, null, "job-1", T, T.plusSeconds(60));

        // Then every field is carried, the imputed input listed
        assertThat(event.getPredictionId()).isEqualTo("p-1");
        assertThat(event.getRequestId()).isNull();
        assertThat(event.getJobId()).isEqualTo("job-1");
        assertThat(event.getModelVersion()).isEqualTo(3);
        assertThat(event.getVariant()).isEqualTo(dev.brigade.events.Variant.CANARY);
        assertThat(event.getScore()).isEqualTo(0.73);
        assertThat(event.getDecision()).isEqualTo("positive");
        assertThat(event.getImputed()).containsExactly("online");
        assertThat(event.getFeatureStatuses()).containsEntry("online", FeatureStatus.IMPUTED);
        assertThat(event.getFeatures()).containsEntry("amount", 250.0);
        assertThat(event.getEventTime()).isEqualTo(T);
        assertThat(event.getWarnings()).containsExactly("imputed: online");
    }

    @Test
    void theSpecsServingModeIsRead() {
        // Given specs that say batch, online, and nothing
        UseCaseSpecInfo batch = RegistryEventMapper.spec(registered("{\"serving\":{\"mode\":\"batch\"}}"));
        UseCaseSpecInfo online = RegistryEventMapper.spec(registered("{\"serving\":{\"mode\":\"online\"}}"));
        UseCaseSpecInfo none = RegistryEventMapper.spec(registered("{\"serving\":{}}"));

        // Then only the first is batch
        assertThat(batch.batch()).isTrue();
        assertThat(online.servingMode()).isEqualTo(UseCaseSpecInfo.ServingMode.ONLINE);
        assertThat(none.batch()).isFalse();
    }

    private static UseCaseRegistered registered(String spec) {
        return new UseCaseRegistered(1, TaskType.BINARY_CLASSIFICATION, "card-activity", 1, spec, "ab".repeat(32));
    }
}
