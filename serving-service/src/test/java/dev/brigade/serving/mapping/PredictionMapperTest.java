package dev.brigade.serving.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.serving.Prediction;
import dev.brigade.serving.ScoreAnswer.ServedFeature;
import dev.brigade.serving.Variant;

class PredictionMapperTest {

    private static final EventCodec<PredictionLogged> CODEC = EventCodec.of(PredictionLogged.class);
    private static final Instant T = Instant.parse("2026-11-27T02:50:00.123456Z");

    @Test
    void theWriterGivesTheCodecsBytesForEveryKindOfPrediction() {
        // Given predictions of every variant, with every value type of the union, every status, no features, no
        // decision, several warnings and many features (more than one map block would need)
        List<Prediction> predictions = new ArrayList<>();
        Map<String, ServedFeature> mixed = new LinkedHashMap<>();
        mixed.put("amount", new ServedFeature(12.5, "PRESENT"));
        mixed.put("count_10m", new ServedFeature(3L, "DEFAULTED"));
        mixed.put("online", new ServedFeature(true, "IMPUTED"));
        mixed.put("region", new ServedFeature("r-1", "NO_HISTORY"));
        mixed.put("gone", new ServedFeature(null, "MISSING"));
        mixed.put("négatif", new ServedFeature(-0.0, "PRESENT"));
        for (Variant variant : Variant.values()) {
            predictions.add(prediction(variant, mixed, "positive", List.of("imputed from training statistics: online",
                    "over the latency budget: 51.20 ms of 50.0 ms")));
        }
        predictions.add(prediction(Variant.CHAMPION, Map.of(), null, List.of()));
        Map<String, ServedFeature> many = new LinkedHashMap<>();
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            many.put("f" + i, new ServedFeature(random.nextDouble() * 1e6 - 5e5, "PRESENT"));
        }
        predictions.add(prediction(Variant.CANARY, many, "negative", List.of()));

        for (Prediction prediction : predictions) {
            // When it is written field by field
            byte[] written = PredictionMapper.toBytes(prediction);

            // Then the bytes are the codec's for the same event, and they read back as that event
            PredictionLogged event = PredictionMapper.toEvent(prediction);
            assertThat(written).as("%s with %d features", prediction.variant(), prediction.features().size())
                    .isEqualTo(CODEC.encode(event));
            assertThat(CODEC.decode(written)).isEqualTo(event);
        }
    }

    @Test
    void theEventCarriesEveryFieldOfThePrediction() {
        // Given a prediction
        Map<String, ServedFeature> features = new LinkedHashMap<>();
        features.put("amount", new ServedFeature(12.5, "PRESENT"));
        features.put("online", new ServedFeature(false, "IMPUTED"));
        Prediction prediction = prediction(Variant.SHADOW, features, "negative", List.of("w"));

        // When it becomes the contract's event
        PredictionLogged event = PredictionMapper.toEvent(prediction);

        // Then each field is there, the features in contract order with their statuses, served at millisecond
        assertThat(event.getPredictionId()).isEqualTo("p-1");
        assertThat(event.getEventId()).isEqualTo("evt-1");
        assertThat(event.getEntityId()).isEqualTo("card-7");
        assertThat(event.getUseCase()).isEqualTo("card-fraud");
        assertThat(event.getModelVersion()).isEqualTo(4);
        assertThat(event.getVariant()).isEqualTo(dev.brigade.events.Variant.SHADOW);
        assertThat(event.getFeatures()).containsExactly(Map.entry("amount", 12.5), Map.entry("online", false));
        assertThat(event.getFeatureStatuses()).containsExactly(Map.entry("amount", FeatureStatus.PRESENT),
                Map.entry("online", FeatureStatus.IMPUTED));
        assertThat(event.getScore()).isEqualTo(0.75);
        assertThat(event.getDecision()).isEqualTo("negative");
        assertThat(event.getLatencyMicros()).isEqualTo(1800L);
        assertThat(event.getCpuMicros()).isEqualTo(60L);
        assertThat(event.getServedAt()).isEqualTo(Instant.parse("2026-11-27T02:50:00.123Z"));
        assertThat(event.getWarnings()).containsExactly("w");
    }

    @Test
    void otherValueTypesTakeTheCodecsPathAndWhatTheContractCannotHoldIsRefused() {
        // Given a string as Avro's own Utf8, a decimal (Avro's specific data writes it as its string), an int (the
        // union has no branch for it) and a status the contract does not name
        Prediction utf8 = prediction(Variant.CHAMPION, Map.of("region", new ServedFeature(new Utf8("r-1"), "PRESENT")),
                null, List.of());
        Prediction decimal = prediction(Variant.CHAMPION, Map.of("amount", new ServedFeature(new BigDecimal("1.5"),
                "PRESENT")), null, List.of());
        Prediction integer = prediction(Variant.CHAMPION, Map.of("count", new ServedFeature(3, "PRESENT")), null,
                List.of());
        Prediction unknownStatus = prediction(Variant.CHAMPION, Map.of("amount", new ServedFeature(1.5, "GUESSED")),
                null, List.of());

        // When they are written, then the first two give the codec's bytes, as the same values as strings
        assertThat(PredictionMapper.toBytes(utf8)).isEqualTo(CODEC.encode(PredictionMapper.toEvent(utf8)))
                .isEqualTo(PredictionMapper.toBytes(prediction(Variant.CHAMPION,
                        Map.of("region", new ServedFeature("r-1", "PRESENT")), null, List.of())));
        assertThat(PredictionMapper.toBytes(decimal)).isEqualTo(CODEC.encode(PredictionMapper.toEvent(decimal)))
                .isEqualTo(PredictionMapper.toBytes(prediction(Variant.CHAMPION,
                        Map.of("amount", new ServedFeature("1.5", "PRESENT")), null, List.of())));
        // and the codec refuses the int as it always did, and the unknown status is refused by name
        assertThatThrownBy(() -> PredictionMapper.toBytes(integer)).isInstanceOf(RuntimeException.class)
                .hasMessageContaining("3");
        assertThatThrownBy(() -> PredictionMapper.toBytes(unknownStatus))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GUESSED");
    }

    private static Prediction prediction(Variant variant, Map<String, ServedFeature> features, String decision,
            List<String> warnings) {
        return new Prediction("p-1", "evt-1", "card-7", "card-fraud", 4, variant, features, 0.75, decision, 1800L,
                60L, T, warnings);
    }
}
