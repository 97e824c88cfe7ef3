package dev.brigade.feature.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureSets;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.ValueStatus;
import dev.brigade.feature.mapping.EventMapper;

class FeatureVectorWriterTest {

    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);

    @Test
    void writesTheSameBytesAsTheCodecForEveryValueTypeStatusAndSlice() {
        // Given many vectors: every union branch, every status, slices present and absent, odd strings
        Random random = new Random(3);
        FeatureSetDefinition set = FeatureSets.cardActivity();
        Object[] kinds = {null, true, false, 0L, -7L, Long.MAX_VALUE, 0.0, -0.0, 1.5e300, Double.NaN, "", "é€😀"};
        for (int n = 0; n < 500; n++) {
            Map<String, FeatureValue> features = new LinkedHashMap<>();
            int count = random.nextInt(12);
            for (int i = 0; i < count; i++) {
                features.put("f" + i + (i % 3 == 0 ? "ü" : ""), new FeatureValue(kinds[random.nextInt(kinds.length)],
                        ValueStatus.values()[random.nextInt(ValueStatus.values().length)]));
            }
            Map<String, Object> attributes = new HashMap<>();
            if (random.nextBoolean()) {
                attributes.put("region", "r-" + random.nextInt(5));
            }
            if (random.nextBoolean()) {
                attributes.put("device", random.nextBoolean() ? (Object) 3L : "d-€");
            }
            attributes.put("amount", 1.0);
            RawEvent event = RawEvent.newBuilder().setEventId("e-" + n).setSource("card-transactions")
                    .setEntityId("card-" + random.nextInt(1000)).setEventTime(Instant.ofEpochMilli(random.nextLong()
                            >>> 20)).setAttributes(attributes).build();
            Instant computedAt = Instant.ofEpochMilli(1_764_151_200_000L + n);

            // When it is written directly and through the codec
            byte[] direct = FeatureVectorWriter.write(set, event, features, computedAt);
            byte[] codec = VECTORS.encode(EventMapper.toFeatureVector(set, event, features, computedAt));

            // Then the bytes are the same, and decode to the vector
            assertThat(direct).as("vector %d", n).isEqualTo(codec);
            assertThat(VECTORS.decode(direct).getEventId()).isEqualTo("e-" + n);
        }
    }

    @Test
    void aValueOfAnotherJavaTypeTakesTheCodecPathAndItsAnswer() {
        // Given a value outside the union's Java mapping (an Integer, which no feature type yields)
        FeatureSetDefinition set = FeatureSets.cardActivity();
        Map<String, FeatureValue> features = Map.of("n", new FeatureValue(5, ValueStatus.PRESENT));
        RawEvent event = RawEvent.newBuilder().setEventId("e").setSource("s").setEntityId("c")
                .setEventTime(Instant.EPOCH).setAttributes(Map.of()).build();

        // Then the writer refuses it exactly as the codec does
        assertThatThrownBy(() -> VECTORS.encode(EventMapper.toFeatureVector(set, event, features, Instant.EPOCH)))
                .isInstanceOf(org.apache.avro.UnresolvedUnionException.class);
        assertThatThrownBy(() -> FeatureVectorWriter.write(set, event, features, Instant.EPOCH))
                .isInstanceOf(org.apache.avro.UnresolvedUnionException.class);
    }
}
