package dev.brigade.serving;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** With a prediction-log buffer of one, a burst overflows it: every prediction is either sent or counted as dropped. */
@QuarkusTest
@TestProfile(PredictionLogDropTest.TinyBuffer.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeUpstreams.class)
class PredictionLogDropTest {

    public static class TinyBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("brigade.serving.prediction-log.buffer-size", "1");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aFullBufferDropsPredictionsCountedNeverSilently() {
        // Given a champion and a prediction log that holds one waiting event
        Upstreams.mode("ok");
        Upstreams.features(Fixtures.FEATURE_SET, "*", Map.of("online", true));
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            Fixtures.Registry registry = new Fixtures.Registry("fraud-drops").register(500);
            int v1 = registry.version(Fixtures.bytes(1), ModelRole.CANDIDATE);
            registry.promote(ModelAlias.CHAMPION, null, v1, null);
            Api.awaitServing("fraud-drops", "champion", v1);
        }
        double before = metric("brigade_serving_prediction_log_sent_total") + dropped();

        // When a burst of 3 batches of 100 is scored
        for (int b = 0; b < 3; b++) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(Api.request("drop-" + b + "-" + i, "card-" + i, Map.of("amount", 1.0)));
            }
            given().contentType(ContentType.JSON).body(batch).when().post("/v1/score/fraud-drops/batch")
                    .then().statusCode(200);
        }

        // Then every answer was given, some predictions were dropped, and sent + dropped accounts for all 300
        assertThat(dropped()).isPositive();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                metric("brigade_serving_prediction_log_sent_total") + dropped() - before).isEqualTo(300.0));
    }

    private static double dropped() {
        return metric("brigade_serving_prediction_log_dropped_total{reason=\"buffer_full\"");
    }

    private static double metric(String prefix) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
