package dev.brigade.events.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class FiniteNumbersTest {

    private static final Schema INNER = SchemaBuilder.record("Inner").fields().requiredDouble("value").endRecord();
    private static final Schema EVENT = SchemaBuilder.record("Event").fields()
            .name("payload").type(INNER).noDefault()
            .name("scores").type().array().items().doubleType().noDefault()
            .name("features").type().map().values().floatType().noDefault()
            .endRecord();

    @Test
    void aRecordOfFiniteNumbersHasNothingToName() {
        // Given finite numbers everywhere, When walked, Then nothing is named
        assertThat(FiniteNumbers.firstNonFinite(event(1.5, List.of(0.0, -2.0), Map.of("a", 3f)))).isNull();
    }

    @Test
    void theFirstNonFiniteNumberIsNamedByItsPath() {
        // Given a NaN in a nested record, an infinity in an array and in a map
        GenericRecord nested = event(Double.NaN, List.of(1.0), Map.of());
        GenericRecord inArray = event(1.0, List.of(1.0, Double.POSITIVE_INFINITY), Map.of());
        GenericRecord inMap = event(1.0, List.of(), Map.of("amount", Float.NEGATIVE_INFINITY));

        // Then each path names the field as a reader would write it
        assertThat(FiniteNumbers.firstNonFinite(nested)).isEqualTo("payload.value is NaN");
        assertThat(FiniteNumbers.firstNonFinite(inArray)).isEqualTo("scores[1] is Infinity");
        assertThat(FiniteNumbers.firstNonFinite(inMap)).isEqualTo("features[amount] is -Infinity");
        assertThat(FiniteNumbers.reason(nested, "payload.value is NaN"))
                .isEqualTo("Event field payload.value is NaN: only finite numbers are accepted");
    }

    private static GenericRecord event(double value, List<Double> scores, Map<String, Float> features) {
        GenericRecord inner = new GenericData.Record(INNER);
        inner.put("value", value);
        GenericRecord event = new GenericData.Record(EVENT);
        event.put("payload", inner);
        event.put("scores", scores);
        event.put("features", features);
        return event;
    }
}
