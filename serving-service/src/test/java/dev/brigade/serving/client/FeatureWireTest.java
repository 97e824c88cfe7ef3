package dev.brigade.serving.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The look-up's JSON, written and read without a tree: the same values a Jackson tree would give. */
class FeatureWireTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void theBodyIsWhatJacksonWritesForTheAttributesAndTheTime() throws Exception {
        // Given attributes of every scalar kind
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("amount", 12.5);
        attributes.put("count", 3L);
        attributes.put("online", true);
        attributes.put("merchant", "m-\"7\" café");
        attributes.put("none", null);
        Instant asOf = Instant.parse("2026-11-26T10:00:00Z");

        // When the body is written, with and without a time
        byte[] now = FeatureWire.body(attributes, null);
        byte[] then = FeatureWire.body(attributes, asOf);

        // Then it is Jackson's JSON of the same map, byte for byte
        assertThat(new String(now, StandardCharsets.UTF_8))
                .isEqualTo(JACKSON.writeValueAsString(Map.of("attributes", attributes)));
        Map<String, Object> withTime = new LinkedHashMap<>();
        withTime.put("attributes", attributes);
        withTime.put("asOf", asOf.toString());
        assertThat(new String(then, StandardCharsets.UTF_8)).isEqualTo(JACKSON.writeValueAsString(withTime));
        assertThat(new String(FeatureWire.body(null, null), StandardCharsets.UTF_8)).isEqualTo("{\"attributes\":{}}");
    }

    @Test
    void theAnswerIsReadWithValuesStatusesAndDefaultsSkippingWhatIsNotAFeature() throws Exception {
        // Given an answer shaped like the feature-service's, with other fields around and odd values inside
        String answer = "{\"featureSet\":\"fraud\",\"version\":1,\"meta\":{\"x\":[1,{\"y\":2}]},\"features\":{"
                + "\"online\":{\"value\":true,\"status\":\"PRESENT\"},"
                + "\"txn_count_10m\":{\"value\":2,\"status\":\"DEFAULTED\"},"
                + "\"amount_sum_24h\":{\"value\":300.25,\"status\":\"NO_HISTORY\",\"extra\":{\"a\":[1]}},"
                + "\"huge\":{\"value\":123456789012345678901234567890},"
                + "\"missing\":{\"value\":null,\"status\":\"MISSING\"},"
                + "\"text\":{\"status\":\"PRESENT\",\"value\":\"gold\"},"
                + "\"nested\":{\"value\":{\"a\":1},\"status\":null},"
                + "\"newer\":{\"value\":4.5,\"status\":\"STALE\"},"
                + "\"odd\":7},\"servedBy\":\"x\"}";

        // When it is read
        Map<String, FeatureLookup.Value> features = FeatureWire.features(answer.getBytes(StandardCharsets.UTF_8));

        // Then every feature is there in order, with Java values of the right type and PRESENT as the default status,
        // and a status the contract does not name (a newer feature-service) makes its feature MISSING, value and all
        assertThat(features).containsExactly(
                Map.entry("online", new FeatureLookup.Value(true, "PRESENT")),
                Map.entry("txn_count_10m", new FeatureLookup.Value(2L, "DEFAULTED")),
                Map.entry("amount_sum_24h", new FeatureLookup.Value(300.25, "NO_HISTORY")),
                Map.entry("huge", new FeatureLookup.Value(1.2345678901234568E29, "PRESENT")),
                Map.entry("missing", new FeatureLookup.Value(null, "MISSING")),
                Map.entry("text", new FeatureLookup.Value("gold", "PRESENT")),
                Map.entry("nested", new FeatureLookup.Value(null, "PRESENT")),
                Map.entry("newer", new FeatureLookup.Value(null, "MISSING")),
                Map.entry("odd", new FeatureLookup.Value(null, "PRESENT")));
        assertThat(FeatureWire.features("{\"features\":[]}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void anAnswerThatIsNotAJsonObjectIsRefused() {
        assertThatThrownBy(() -> FeatureWire.features("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> FeatureWire.features("{\"features\":{\"a\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(java.io.IOException.class);
    }
}
