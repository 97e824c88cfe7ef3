package dev.brigade.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.TaskType;
import dev.brigade.monitor.support.FakeEndpoints;
import dev.brigade.monitor.support.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The actions of an alert, with the shipped delivery-eta spec: its latency-budget rule (severity page, action
 * rollback) pages the webhook and rolls the new champion back through the registry as the monitor's deployer.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeEndpoints.class)
class AlertActionsTest {
    // A champion over its budget is rolled back; a canary or a shadow over its budget is cleared (the champion keeps
    // serving, and the cleared version's rollout ends).

    static final String UC = "eta-actions";
    static final String CANARY_UC = "eta-canary";
    static final String SHADOW_UC = "eta-shadow";
    static final long BASE = Instant.parse("2026-11-23T09:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;
    static final Map<String, double[]> DISTANCE = Map.of("distance_km", new double[] {3, 1});

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aChampionOverItsLatencyBudgetPagesItsOwnerAndIsRolledBack() throws Exception {
        MonitorFlowTest.awaitReady();
        Random random = new Random(9);
        try (Fixtures kafka = new Fixtures(bootstrapServers)) {
            // Given v2 promoted over v1 as champion of delivery-eta
            kafka.useCase(UC, "delivery-eta.yaml", TaskType.REGRESSION);
            kafka.version(UC, 1, DISTANCE, Map.of(), Map.of("mae", 6.0));
            kafka.version(UC, 2, DISTANCE, Map.of(), Map.of("mae", 5.8));
            kafka.alias(UC, ModelAlias.CHAMPION, null, 1, AliasMoveKind.PROMOTE);
            kafka.alias(UC, ModelAlias.CHAMPION, 1, 2, AliasMoveKind.PROMOTE);
            // and, in a second use case, v2 taking 5% of the traffic as canary beside champion v1
            kafka.useCase(CANARY_UC, "delivery-eta.yaml", TaskType.REGRESSION);
            kafka.version(CANARY_UC, 1, DISTANCE, Map.of(), Map.of("mae", 6.0));
            kafka.version(CANARY_UC, 2, DISTANCE, Map.of(), Map.of("mae", 5.8));
            kafka.alias(CANARY_UC, ModelAlias.CHAMPION, null, 1, AliasMoveKind.PROMOTE);
            kafka.alias(CANARY_UC, ModelAlias.CANARY, null, 2, AliasMoveKind.PROMOTE);
            // and, in a third, v2 in shadow beside champion v1
            kafka.useCase(SHADOW_UC, "delivery-eta.yaml", TaskType.REGRESSION);
            kafka.version(SHADOW_UC, 1, DISTANCE, Map.of(), Map.of("mae", 6.0));
            kafka.version(SHADOW_UC, 2, DISTANCE, Map.of(), Map.of("mae", 5.8));
            kafka.alias(SHADOW_UC, ModelAlias.CHAMPION, null, 1, AliasMoveKind.PROMOTE);
            kafka.alias(SHADOW_UC, ModelAlias.SHADOW, null, 2, AliasMoveKind.PROMOTE);
            kafka.flush();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/v1/use-cases/" + UC)
                    .then().statusCode(200).body("aliases.champion", org.hamcrest.Matchers.equalTo(2)));

            // When v2 answers in 80 ms for three windows of 600 predictions (budget: p99 <= 50 ms, persistence 3)
            for (int w = 0; w < 3; w++) {
                for (int i = 0; i < 600; i++) {
                    kafka.prediction(Fixtures.prediction(UC, 2, UC + "-w" + w + "-" + i, BASE + w * MINUTE + i * 90L,
                            Fixtures.features(random, DISTANCE, Map.of()), 30 + random.nextGaussian() * 5, 80_000));
                    kafka.prediction(Fixtures.prediction(CANARY_UC, 2, CANARY_UC + "-w" + w + "-" + i,
                            BASE + w * MINUTE + i * 90L, Fixtures.features(random, DISTANCE, Map.of()),
                            30 + random.nextGaussian() * 5, 80_000));
                    kafka.prediction(Fixtures.prediction(SHADOW_UC, 2, SHADOW_UC + "-w" + w + "-" + i,
                            BASE + w * MINUTE + i * 90L, Fixtures.features(random, DISTANCE, Map.of()),
                            30 + random.nextGaussian() * 5, 80_000));
                }
                kafka.flush();
            }
        }

        // Then the registry is asked to roll back, as monitor-service (deployer), with the alert as the reason
        FakeEndpoints.Request rollback = await().atMost(Duration.ofSeconds(90)).until(
                () -> FakeEndpoints.REQUESTS.stream().filter(r -> r.path().equals("/v1/use-cases/" + UC + "/rollback"))
                        .findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertThat(rollback.method()).isEqualTo("POST");
        assertThat(rollback.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString("monitor-service:monitor-local".getBytes(StandardCharsets.UTF_8)));
        JsonNode reason = new ObjectMapper().readTree(rollback.body());
        assertThat(reason.get("reason").asText()).contains("latency-budget").contains("p99LatencyMs");

        // and the canary that breaks the same budget loses its traffic: the canary alias is cleared, the champion stays
        FakeEndpoints.Request clear = await().atMost(Duration.ofSeconds(60)).until(() -> FakeEndpoints.REQUESTS
                .stream().filter(r -> r.path().equals("/v1/use-cases/" + CANARY_UC + "/aliases/canary")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        JsonNode clearBody = new ObjectMapper().readTree(clear.body());
        assertThat(clearBody.get("version").isNull()).isTrue();
        assertThat(clearBody.get("reason").asText()).contains("latency-budget");
        assertThat(FakeEndpoints.REQUESTS).noneMatch(r -> r.path().equals("/v1/use-cases/" + CANARY_UC + "/rollback"));

        // and the shadow that breaks it is cleared as well, so its rollout does not carry it on to canary and champion
        // with the alert already raised (the rule would not fire again for that version)
        FakeEndpoints.Request clearShadow = await().atMost(Duration.ofSeconds(60)).until(() -> FakeEndpoints.REQUESTS
                .stream().filter(r -> r.path().equals("/v1/use-cases/" + SHADOW_UC + "/aliases/shadow")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        JsonNode shadowBody = new ObjectMapper().readTree(clearShadow.body());
        assertThat(shadowBody.get("version").isNull()).isTrue();
        assertThat(shadowBody.get("reason").asText()).contains("latency-budget");
        assertThat(FakeEndpoints.REQUESTS).noneMatch(r -> r.path().startsWith("/v1/use-cases/" + SHADOW_UC + "/")
                && !r.path().endsWith("/aliases/shadow"));

        // and the owner is paged through the webhook, once per alert, with severity, owner and playbook
        List<FakeEndpoints.Request> pages = FakeEndpoints.REQUESTS.stream().filter(r -> r.path().equals("/hook"))
                .filter(r -> r.body().contains("\"useCase\":\"" + UC + "\"")).toList();
        assertThat(pages).hasSize(1);
        JsonNode page = new ObjectMapper().readTree(pages.get(0).body());
        assertThat(page.get("status").asText()).isEqualTo("raised");
        assertThat(page.get("severity").asText()).isEqualTo("page");
        assertThat(page.get("owner").asText()).isEqualTo("logistics-platform-oncall");
        assertThat(page.get("playbook").asText()).startsWith("Check the feature-service look-up latency");
        assertThat(page.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(pages.get(0).header("Idempotency-Key")).startsWith("raised:" + UC + ":latency-budget:v2:");

        // and the dashboard API lists the action taken
        given().when().get("/v1/use-cases/" + UC + "/alerts").then().statusCode(200)
                .body("actions[0].action", org.hamcrest.Matchers.equalTo("rollback"))
                .body("actions[0].outcome", org.hamcrest.Matchers.equalTo("done"));
    }
}
