package dev.brigade.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.AlertEvent;
import dev.brigade.events.AlertRaised;
import dev.brigade.events.TaskType;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.streams.MonitorStreams;
import dev.brigade.monitor.support.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * State survives a restart: the station is stopped in the middle of a window with an alert open, its local state
 * wiped, and started again; the stores come back from their changelogs.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class RestartTest {

    static final String UC = "fraud-restart";
    static final long BASE = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;
    static final Map<String, double[]> NORMAL = Map.of("amount", new double[] {100, 20});
    static final Map<String, double[]> SHIFTED = Map.of("amount", new double[] {150, 20});
    static final Map<String, Double> ONLINE = Map.of("online", 0.38);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    MonitorStreams streams;

    @Test
    void noWindowIsLostAndNoAlertIsRepeatedAcrossARestartWithWipedLocalState() throws Exception {
        MonitorFlowTest.awaitReady();
        Random random = new Random(5);
        try (Fixtures kafka = new Fixtures(bootstrapServers)) {
            // Given drift that persisted for three windows: the amount-drift alert is open
            kafka.useCase(UC, "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION);
            kafka.version(UC, 1, NORMAL, ONLINE, Map.of("auc", 0.9));
            kafka.flush();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/v1/use-cases/" + UC)
                    .then().statusCode(200));
            send(kafka, random, 0, 0, 1000);
            send(kafka, random, 1, 0, 1000);
            send(kafka, random, 2, 0, 1000);
            // (one prediction 10 s into the fourth window moves event time past the third's end and grace)
            send(kafka, random, 3, 200, 201);
            await().atMost(Duration.ofSeconds(90)).until(() -> raised().size() == 1);
            // and 400 predictions of the fourth window were counted
            send(kafka, random, 3, 0, 200);
            send(kafka, random, 3, 201, 400);
            await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200))
                    .until(() -> openPredictions(3) == 400);

            // When the station stops, loses its local state and starts again
            streams.stop(true);
            streams.start();

            // and the rest of the fourth window and a fifth window arrive
            send(kafka, random, 3, 400, 1000);
            send(kafka, random, 4, 0, 1000);
        }

        // Then every window holds exactly its predictions: none lost, none counted twice
        List<WindowSummary> windows = MonitorFlowTest.awaitWindows(UC, 5);
        assertThat(windows).extracting(WindowSummary::predictions).containsExactly(1000L, 1000L, 1000L, 1000L,
                1000L);
        // and the alert stayed open without being raised again, its rule state carried on counting
        Thread.sleep(3000);
        assertThat(raised()).hasSize(1);
        assertThat(streams.ruleState(UC, "amount-drift", 1).breaches()).isEqualTo(5);
        assertThat(streams.ruleState(UC, "amount-drift", 1).active()).isTrue();
    }

    private void send(Fixtures kafka, Random random, int window, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String id = UC + "-w" + window + "-" + i;
            kafka.prediction(Fixtures.prediction(UC, 1, id, BASE + window * MINUTE + i * 50L,
                    Fixtures.features(random, SHIFTED, ONLINE), random.nextDouble(), 800));
        }
        kafka.flush();
    }

    private long openPredictions(int window) {
        List<Map<String, Object>> open = given().when().get("/v1/use-cases/" + UC).then().statusCode(200).extract()
                .path("openWindows");
        return open.stream().filter(w -> ((Number) w.get("windowStart")).longValue() == BASE + window * MINUTE)
                .mapToLong(w -> ((Number) w.get("predictions")).longValue()).sum();
    }

    private List<AlertEvent> raised() {
        EventCodec<AlertEvent> codec = EventCodec.of(AlertEvent.class);
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            return probe.read(Topics.ALERTS, r -> UC.equals(r.key()), 1000, Duration.ofSeconds(2)).stream()
                    .map(r -> codec.decode(r.value())).filter(a -> a.getPayload() instanceof AlertRaised).toList();
        }
    }
}
