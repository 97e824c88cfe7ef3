package dev.brigade.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.AlertAction;
import dev.brigade.events.AlertEvent;
import dev.brigade.events.AlertRaised;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.DriftDetected;
import dev.brigade.events.DriftEvent;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.Severity;
import dev.brigade.events.TaskType;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.support.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.common.mapper.TypeRef;

/**
 * The station end to end on a real broker, with the shipped card-fraud spec: windows against the reference profile,
 * drift that alerts and asks for retraining only when it persists, labels joined later, skew against the offline
 * vectors.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class MonitorFlowTest {

    static final String UC = "fraud-flow";
    static final long BASE = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;
    static final Map<String, double[]> NORMAL = Map.of("amount", new double[] {100, 20});
    static final Map<String, double[]> SHIFTED = Map.of("amount", new double[] {130, 20});
    static final Map<String, Double> ONLINE = Map.of("online", 0.38);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void driftThatPersistsAlertsOnceAndAsksForRetrainingWithRealisedPerformanceAndSkewAlongside() throws Exception {
        MonitorFlowTest.awaitReady();
        Random random = new Random(11);
        try (Fixtures kafka = new Fixtures(bootstrapServers)) {
            // Given the card-fraud spec, a champion v1 with its reference profile and an offline AUC of 0.91
            kafka.useCase(UC, "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION);
            kafka.version(UC, 1, NORMAL, ONLINE, Map.of("auc", 0.91, "recall", 0.72));
            kafka.alias(UC, ModelAlias.CHAMPION, null, 1, AliasMoveKind.PROMOTE);
            kafka.flush();
            awaitUseCase();

            // When two windows of 1,000 predictions follow the reference and three have amount shifted by 1.5 sd
            for (int w = 0; w < 5; w++) {
                Map<String, double[]> amount = w < 2 ? NORMAL : SHIFTED;
                for (int i = 0; i < 1000; i++) {
                    String id = UC + "-w" + w + "-" + i;
                    long t = BASE + w * MINUTE + i * 50L;
                    Map<String, Object> f = Fixtures.features(random, amount, ONLINE);
                    double score = random.nextDouble();
                    kafka.prediction(Fixtures.prediction(UC, 1, id, t, f, score, 900));
                    if (w == 0) {
                        // labels of the first window arrive during the second; fraud is likelier at high scores
                        kafka.label(UC, id, random.nextDouble() < score ? 1.0 : 0.0, t + MINUTE);
                        if (i < 200) {
                            // the offline vector: amount recomputed differently for 20 events (skew)
                            Map<String, Object> offline = new java.util.HashMap<>(f);
                            if (i % 10 == 0) {
                                offline.put("amount", (Double) f.get("amount") + 1.0);
                            }
                            kafka.vector(id, t, offline);
                        }
                    }
                }
                kafka.flush();
            }

            // Then five windows close for v1
            List<WindowSummary> windows = awaitWindows(UC, 5);
            assertThat(windows).extracting(WindowSummary::predictions).containsExactly(1000L, 1000L, 1000L, 1000L,
                    1000L);
            // the reference windows show no drift; the shifted ones flag amount and only amount
            for (int w = 0; w < 5; w++) {
                FeatureDrift amount = feature(windows.get(w), "amount");
                FeatureDrift online = feature(windows.get(w), "online");
                assertThat(amount.drifted()).as("amount drifted in window %d", w).isEqualTo(w >= 2);
                assertThat(online.drifted()).isFalse();
                assertThat(windows.get(w).metrics().get("psi.amount")).isGreaterThanOrEqualTo(0.0);
                if (w >= 2) {
                    assertThat(windows.get(w).metrics().get("psi.amount")).isGreaterThan(0.2);
                } else {
                    assertThat(windows.get(w).metrics().get("psi.amount")).isLessThan(0.1);
                }
            }
            // latency and cost from the prediction log
            assertThat(windows.get(0).latencyP99Ms()).isCloseTo(0.9, within(0.01));
            assertThat(windows.get(0).cpuSecondsPerPrediction()).isCloseTo(450e-6, within(1e-9));
            // the labels joined in the second window, next to the offline AUC
            WindowSummary.Performance realised = windows.get(1).performance();
            assertThat(realised.labelled()).isEqualTo(1000);
            assertThat(realised.auc()).isBetween(0.7, 0.95);
            assertThat(realised.businessMetric()).isPositive();
            assertThat(windows.get(1).offline()).containsEntry("auc", 0.91);
            // skew: 200 events compared, 20 with a different amount, online always equal
            WindowSummary.FeatureSkew skew = windows.get(0).skew().stream().filter(s -> s.feature().equals("amount"))
                    .findFirst().orElseThrow();
            assertThat(skew.compared()).isEqualTo(200);
            assertThat(skew.mismatched()).isEqualTo(20);
            assertThat(windows.get(0).metrics().get("skew.online")).isEqualTo(0.0);

            // And exactly one alert: amount-drift at the third shifted window, with owner, severity and playbook
            List<AlertEvent> raised = alerts(UC);
            assertThat(raised).hasSize(1);
            AlertEvent alert = raised.get(0);
            assertThat(alert.getRule()).isEqualTo("amount-drift");
            assertThat(alert.getOwner()).isEqualTo("fraud-ml-team");
            assertThat(alert.getSeverity()).isEqualTo(Severity.TICKET);
            assertThat(alert.getAction()).isEqualTo(AlertAction.RETRAIN);
            assertThat(alert.getPlaybook()).startsWith("Compare the amount distribution");
            assertThat(((AlertRaised) alert.getPayload()).getModelVersion()).isEqualTo(1);
            assertThat(alert.getAlertId()).endsWith(":" + (BASE + 5 * MINUTE));
            // and the retrain action went to training as DriftDetected with the per-feature statistics
            List<DriftEvent> drift = driftEvents(UC, 1);
            assertThat(drift).hasSize(1);
            DriftDetected detected = (DriftDetected) drift.get(0).getPayload();
            assertThat(detected.getSampleCount()).isEqualTo(1000);
            assertThat(detected.getFeatures()).anySatisfy(f -> {
                assertThat(f.getFeature()).isEqualTo("amount");
                assertThat(f.getDrifted()).isTrue();
                assertThat(f.getTest()).isEqualTo("ks");
            });
        }

        // And the dashboard API shows the use case with its loop owners and alias
        given().when().get("/v1/use-cases/" + UC).then().statusCode(200)
                .body("aliases.champion", org.hamcrest.Matchers.equalTo(1))
                .body("loop.find { it.stage == 'monitor' }.owner",
                        org.hamcrest.Matchers.equalTo("risk-platform-oncall"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/v1/use-cases/" + UC
                + "/alerts").then().statusCode(200).body("open.size()", org.hamcrest.Matchers.equalTo(1)));
        given().when().get("/v1/use-cases/NOPE/windows").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("name"));
        given().when().get("/v1/use-cases/unknown-case/windows").then().statusCode(404);
    }

    private void awaitUseCase() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/v1/use-cases/" + UC)
                .then().statusCode(200).body("aliases.champion", org.hamcrest.Matchers.equalTo(1)));
    }

    /** The windows stage is running (not still rebalancing or restoring) before test data is sent. */
    static void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/ready").then()
                .statusCode(200));
    }

    /** Waits for n closed windows; a 503 (the app restoring or rebalancing: its owner not known) is asked again. */
    static List<WindowSummary> awaitWindows(String useCase, int n) {
        return await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> windowsOnceAnswered(useCase), w -> w.size() >= n);
    }

    private static List<WindowSummary> windowsOnceAnswered(String useCase) {
        var answer = given().when().get("/v1/use-cases/" + useCase + "/windows").then().extract();
        if (answer.statusCode() == 503) {
            assertThat(answer.header("Retry-After")).isNotBlank();
            return List.of();
        }
        return windows(useCase);
    }

    static List<WindowSummary> windows(String useCase) {
        return given().when().get("/v1/use-cases/" + useCase + "/windows").then().statusCode(200).extract()
                .as(new TypeRef<List<WindowSummary>>() {
                });
    }

    static FeatureDrift feature(WindowSummary w, String name) {
        return w.features().stream().filter(f -> f.feature().equals(name)).findFirst().orElseThrow();
    }

    List<AlertEvent> alerts(String useCase) {
        EventCodec<AlertEvent> codec = EventCodec.of(AlertEvent.class);
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            // wait a little past the first match, so a duplicate would be seen too
            List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.ALERTS,
                    r -> useCase.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(records).isNotEmpty();
            return probe.read(Topics.ALERTS, r -> useCase.equals(r.key()), 1000, Duration.ofSeconds(3)).stream()
                    .map(r -> codec.decode(r.value())).filter(a -> a.getPayload() instanceof AlertRaised).toList();
        }
    }

    List<DriftEvent> driftEvents(String useCase, int atLeast) {
        EventCodec<DriftEvent> codec = EventCodec.of(DriftEvent.class);
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            probe.read(Topics.DRIFT_EVENTS, r -> useCase.equals(r.key()), atLeast, Duration.ofSeconds(30));
            return probe.read(Topics.DRIFT_EVENTS, r -> useCase.equals(r.key()), 1000, Duration.ofSeconds(2))
                    .stream().map(r -> codec.decode(r.value())).toList();
        }
    }
}
