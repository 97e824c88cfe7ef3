package dev.brigade.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.TaskType;
import dev.brigade.monitor.rest.ContractResource;
import dev.brigade.monitor.support.Fixtures;
import dev.brigade.monitor.support.RegistryStandIn;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The data-contract panel's API over real HTTP: the monitor asks a stand-in for the feature-service's contract
 * endpoint (RegistryStandIn serves it beside the registry's reads) for the feature-set version the use case's spec
 * and its champion name; a hung feature-service is "unreachable" within the monitor's timeout and the rest of the
 * dashboard API keeps answering.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(RegistryStandIn.class)
class ContractResourceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void theContractOfTheUseCasesFeatureSetComesFromTheFeatureServiceWithAHistory() throws Exception {
        // Given a use case whose spec and champion name feature set "set" v1
        MonitorFlowTest.awaitReady();
        try (Fixtures kafka = new Fixtures(bootstrapServers)) {
            kafka.useCase("contract-ok", "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION);
            kafka.version("contract-ok", 1, Map.of("amount", new double[] {100, 20}), Map.of("online", 0.4),
                    Map.of("auc", 0.9));
            kafka.alias("contract-ok", ModelAlias.CHAMPION, null, 1, AliasMoveKind.PROMOTE);
            kafka.flush();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/v1/use-cases/contract-ok")
                .then().statusCode(200));

        // When the panel's endpoint is read twice, more than the sampling interval (1 s in tests) apart
        ContractResource.ContractPanel first = panel("contract-ok");
        Thread.sleep(1_500);
        ContractResource.ContractPanel panel = panel("contract-ok");

        // Then one contract, used by the spec and the champion, with every expectation and the broken one marked
        assertThat(panel.contracts()).hasSize(1);
        ContractResource.Contract contract = panel.contracts().get(0);
        assertThat(contract.featureSet()).isEqualTo("set");
        assertThat(contract.version()).isEqualTo(1);
        assertThat(contract.usedBy()).containsExactly("spec v1", "champion v1");
        assertThat(contract.status()).isEqualTo("ok");
        assertThat(contract.broken()).isTrue();
        assertThat(contract.recentMinutes()).isEqualTo(15);
        assertThat(contract.expectationsBroken()).isEqualTo(1);
        assertThat(contract.expectations()).hasSize(6);
        ContractResource.Expectation range = contract.expectations().stream()
                .filter(e -> "amount".equals(e.feature()) && "range".equals(e.expectation())).findFirst().orElseThrow();
        assertThat(range.broken()).isTrue();
        assertThat(range.allowed()).isEqualTo("[0, 140]");
        assertThat(range.observed()).endsWith("of 600 values break it");
        assertThat(range.recentChecked()).isEqualTo(600);
        assertThat(range.violations()).isGreaterThan(first.contracts().get(0).expectations().stream()
                .filter(e -> "range".equals(e.expectation())).findFirst().orElseThrow().violations());
        ContractResource.Expectation balance = contract.expectations().stream()
                .filter(e -> "label-balance".equals(e.expectation())).findFirst().orElseThrow();
        assertThat(balance.feature()).isNull();
        assertThat(balance.broken()).isFalse();
        // and a history of violation shares per value-by-value expectation (the set's own ones are table only)
        assertThat(contract.history()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(contract.history().get(contract.history().size() - 1).violationShare())
                .containsKey("amount/range").containsKey("txn_count_10m/missing").doesNotContainKey("null/label-balance")
                .hasSize(5);
        assertThat(contract.history().get(contract.history().size() - 1).violationShare().get("amount/range"))
                .isBetween(12 / 600.0, 16 / 600.0);
    }

    @Test
    void aHungFeatureServiceIsUnreachableWithinTheTimeoutAndTheDashboardKeepsAnswering() throws Exception {
        // Given use cases whose feature sets the feature-service does not answer for (hung) or does not know
        MonitorFlowTest.awaitReady();
        try (Fixtures kafka = new Fixtures(bootstrapServers)) {
            kafka.useCase("contract-hung", "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION, "hung");
            kafka.useCase("contract-gone", "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION, "gone");
            kafka.flush();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/v1/use-cases/contract-gone")
                .then().statusCode(200));

        // When the panel is read
        long started = System.nanoTime();
        ContractResource.ContractPanel hung = panel("contract-hung");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then it answers 200 within the timeout (1 s here) rather than after the hung server (6 s), saying why
        assertThat(took).isLessThan(Duration.ofMillis(RegistryStandIn.HUNG_MILLIS - 1_000));
        assertThat(hung.contracts()).singleElement().satisfies(c -> {
            assertThat(c.featureSet()).isEqualTo("hung");
            assertThat(c.status()).isEqualTo("unreachable");
            assertThat(c.detail()).startsWith("feature-service unreachable at http://127.0.0.1:");
            assertThat(c.expectations()).isEmpty();
            assertThat(c.broken()).isNull();
        });
        // an unknown version is told apart from an unreachable service
        assertThat(panel("contract-gone").contracts()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo("not-found");
            assertThat(c.detail()).contains("gone version 1");
        });
        // and the rest of the dashboard's API keeps answering
        given().get("/v1/use-cases").then().statusCode(200);
        given().get("/v1/use-cases/contract-hung/windows").then().statusCode(200);
        // bad names and unknown use cases are problem bodies as elsewhere
        given().get("/v1/use-cases/NOPE/contract").then().statusCode(400);
        given().get("/v1/use-cases/no-such-case/contract").then().statusCode(404);
    }

    private static ContractResource.ContractPanel panel(String useCase) {
        return given().get("/v1/use-cases/" + useCase + "/contract").then().statusCode(200).extract()
                .as(ContractResource.ContractPanel.class);
    }
}
