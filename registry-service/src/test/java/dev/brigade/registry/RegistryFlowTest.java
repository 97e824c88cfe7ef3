package dev.brigade.registry;

import static dev.brigade.registry.Api.approve;
import static dev.brigade.registry.Api.as;
import static dev.brigade.registry.Api.fresh;
import static dev.brigade.registry.Api.move;
import static dev.brigade.registry.Api.putSpec;
import static dev.brigade.registry.Api.register;
import static dev.brigade.registry.Api.rollback;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.AliasMoved;
import dev.brigade.events.GateEvaluated;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The recipe book end to end on a real broker: register a use case, register versions with artifacts, gate,
 * approve, promote through shadow, canary and champion, roll back, and ask who was champion when.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class RegistryFlowTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void specsAreVersionedAndIdempotent() {
        // Given the shipped card-fraud spec under a fresh name
        String name = fresh("fraud");
        String yaml = Fixtures.specYaml("card-fraud.yaml", name);

        // When it is registered, registered again, sent again as JSON, then changed
        putSpec("rita", name, yaml).then().statusCode(201).body("version", equalTo(1))
                .header("Location", containsString("/v1/use-cases/" + name + "/specs/1"));
        putSpec("rita", name, yaml).then().statusCode(200).body("version", equalTo(1));
        String jsonSpec = specJson(given().get("/v1/use-cases/" + name).then().statusCode(200).extract().asString());
        as("rita").contentType("application/json").body(jsonSpec).put("/v1/use-cases/" + name)
                .then().statusCode(200).body("version", equalTo(1));
        putSpec("rita", name, yaml.replace("dailyVolume: 2000000", "dailyVolume: 2500000"))
                .then().statusCode(201).body("version", equalTo(2));

        // Then the latest is v2, v1 is kept as it was, and both are listed with who registered them
        given().get("/v1/use-cases/" + name).then().statusCode(200)
                .body("version", equalTo(2)).body("spec.economics.dailyVolume", equalTo(2500000))
                .body("registeredBy", equalTo("rita"));
        given().get("/v1/use-cases/" + name + "/specs/1").then().statusCode(200)
                .body("spec.economics.dailyVolume", equalTo(2000000))
                .body("spec.task.label.maxDelay", equalTo("60d"));
        given().get("/v1/use-cases/" + name + "/specs").then().statusCode(200).body("version", hasItems(1, 2));
        given().get("/v1/use-cases").then().statusCode(200).body("name", hasItems(name));
    }

    @Test
    void anIncompleteSpecIsRefusedNamingEveryField() {
        // Given the spec without its target sentence and its deploy owner, and with a regression threshold
        String name = fresh("fraud");
        String yaml = Fixtures.specYaml("card-fraud.yaml", name)
                .replaceFirst("(?m)^  target: .*\\n", "")
                .replaceFirst("(?m)^  deploy: .*\\n", "")
                .replace("latencyBudgetMs: 25", "latencyBudgetMs: -3");

        // When it is registered, Then 422 names each field, as a problem body
        putSpec("rita", name, yaml).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:unprocessable"))
                .body("status", equalTo(422))
                .body("errors.field", hasItems("framing.target", "owners.deploy", "serving.latencyBudgetMs"));
        given().get("/v1/use-cases/" + name).then().statusCode(404);
    }

    @Test
    void registerGateApprovePromoteAndRollBack() {
        // Given the card-fraud use case
        String name = fresh("fraud");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);

        // When a first version is registered (no champion yet)
        byte[] v1Artifact = Fixtures.cardArtifact(101);
        JsonPath v1 = register("rita", name, v1Artifact, Fixtures.card().json()).then().statusCode(201)
                .extract().jsonPath();

        // Then it numbers itself 1, is filed by sha256, and its gate skips the comparisons, saying so
        assertThat(v1.getInt("version.version")).isEqualTo(1);
        assertThat(v1.getString("version.artifactSha256")).isEqualTo(sha256(v1Artifact));
        assertThat(v1.getBoolean("version.gate.passed")).isTrue();
        assertThat(v1.getList("version.gate.checks.outcome")).containsExactly("SKIPPED", "PASSED", "PASSED",
                "PASSED", "SKIPPED", "SKIPPED", "PASSED");
        assertThat(v1.getString("version.gate.checks[5].detail")).contains("no baseline comparison");
        assertThat(v1.getString("version.gate.checks[0].detail")).contains("no champion yet");
        assertThat(v1.getFloat("version.gate.checks[3].numbers.predictions")).isEqualTo(2000f);
        assertThat(v1.getFloat("version.gate.checks[3].numbers.p99Ms")).isPositive().isLessThan(25f);

        // And it goes shadow -> champion (no canary without a champion to share traffic with) once approved
        move("dave", name, "shadow", 1, null).then().statusCode(200).body("shadow.version", equalTo(1));
        move("dave", name, "champion", 1, null).then().statusCode(409)
                .body("detail", containsString("requires an approval"));
        approve("alice", name, 1).then().statusCode(200).body("version.approvals[0].approver", equalTo("alice"));
        move("dave", name, "canary", 1, 10.0).then().statusCode(409)
                .body("detail", containsString("next step is champion"));
        move("dave", name, "champion", 1, null).then().statusCode(200)
                .body("champion.version", equalTo(1)).body("shadow", nullValue());
        Instant v1Champion = Instant.now();

        // When a second version is registered, evaluated against champion v1 with a significant lift
        JsonPath v2 = register("rita", name, Fixtures.cardArtifact(102), Fixtures.card()
                .comparedWith(1, 0.007, 0.003, 0.011).business(0.40, 0.45).json())
                .then().statusCode(201).extract().jsonPath();

        // Then every check ran with its numbers, and passed
        assertThat(v2.getBoolean("version.gate.passed")).isTrue();
        assertThat(v2.getInt("version.gate.championVersion")).isEqualTo(1);
        assertThat(v2.getList("version.gate.checks.outcome")).containsExactly("PASSED", "PASSED", "PASSED",
                "PASSED", "PASSED", "SKIPPED", "PASSED");
        assertThat(v2.getFloat("version.gate.checks[0].numbers.liftCiLow")).isEqualTo(0.003f);
        assertThat(v2.getFloat("version.gate.checks[4].numbers.valuePerDay")).isEqualTo(100_000f);

        // And a third version, gated against v1 too, that will be stale once v2 is champion
        register("rita", name, Fixtures.cardArtifact(103), Fixtures.card().comparedWith(1, 0.006, 0.003, 0.009)
                .business(0.41, 0.45).json()).then().statusCode(201);

        // When v2 walks the rollout: canary needs the approval first, and shadow comes before canary
        move("dave", name, "canary", 2, 10.0).then().statusCode(409)
                .body("detail", containsString("requires an approval"));
        approve("alice", name, 2).then().statusCode(200);
        move("dave", name, "canary", 2, 10.0).then().statusCode(409)
                .body("detail", containsString("next step is shadow"));
        move("dave", name, "shadow", 2, null).then().statusCode(200);
        move("dave", name, "canary", 2, 50.0).then().statusCode(409)
                .body("detail", containsString("has no step canary 50.0%"));
        move("dave", name, "canary", 2, 10.0).then().statusCode(200)
                .body("canary.version", equalTo(2)).body("canary.trafficPercent", equalTo(10.0f))
                .body("champion.version", equalTo(1));
        Instant canaryPhase = Instant.now();
        move("dave", name, "champion", 2, null).then().statusCode(200)
                .body("champion.version", equalTo(2)).body("canary", nullValue())
                .body("previousChampion", equalTo(1));

        // Then v3, compared with v1, may not be promoted past the new champion
        approve("alice", name, 3).then().statusCode(200);
        move("dave", name, "canary", 3, 10.0).then().statusCode(409)
                .body("detail", containsString("gated against champion v1 but the champion is now v2"));

        // When the deployer rolls back, in one call
        long start = System.nanoTime();
        rollback("dave", name, "checkout p99 went up").then().statusCode(200).body("champion.version", equalTo(1));
        long rollbackMillis = (System.nanoTime() - start) / 1_000_000;

        // Then champion is v1 again within seconds, and the history answers who was champion when
        assertThat(rollbackMillis).isLessThan(5000);
        given().get("/v1/use-cases/" + name + "/aliases/champion?at=" + v1Champion).then().statusCode(200)
                .body("version", equalTo(1));
        given().get("/v1/use-cases/" + name + "/aliases/champion?at=" + canaryPhase).then().statusCode(200)
                .body("version", equalTo(1));
        given().get("/v1/use-cases/" + name + "/aliases/champion").then().statusCode(200).body("version", equalTo(1));
        given().get("/v1/use-cases/" + name + "/aliases/champion?at=2020-01-01T00:00:00Z").then().statusCode(404);
        JsonPath history = given().get("/v1/use-cases/" + name + "/aliases/history").then().statusCode(200)
                .extract().jsonPath();
        assertThat(history.getList("alias")).containsExactly("shadow", "champion", "shadow", "canary", "champion",
                "champion");
        assertThat(history.getList("kind")).endsWith("ROLLBACK");
        assertThat(history.getList("actor")).containsOnly("dave");
        assertThat(history.getString("[5].why")).isEqualTo("checkout p99 went up");
        given().get("/v1/use-cases/" + name + "/aliases/champion?at=" + history.getString("[4].at")).then()
                .statusCode(200).body("version", equalTo(2));

        // And the audit trail on the wire carries the actor and the why; the gate names the champion it faced
        // (spec, 3 versions with their gates, 3 approvals, 6 alias moves)
        List<RegistryEvent> events = events(name, 16);
        assertThat(events).hasSize(16);
        RegistryEvent rollback = events.get(events.size() - 1);
        assertThat(rollback.getActor()).isEqualTo("dave");
        assertThat(rollback.getWhy()).isEqualTo("checkout p99 went up");
        assertThat(rollback.getPayload()).isInstanceOfSatisfying(AliasMoved.class, moved -> {
            assertThat(moved.getKind()).isEqualTo(AliasMoveKind.ROLLBACK);
            assertThat(moved.getFromVersion()).isEqualTo(2);
            assertThat(moved.getToVersion()).isEqualTo(1);
        });
        assertThat(events).filteredOn(e -> e.getPayload() instanceof GateEvaluated g && g.getVersion() == 2)
                .singleElement().satisfies(e -> assertThat(((GateEvaluated) e.getPayload()).getChampionVersion())
                        .isEqualTo(1));
    }

    @Test
    void aFailedGateBlocksApprovalAndPromotion() {
        // Given a use case with a champion, and a candidate whose calibration is off (ECE 0.2 > 0.05)
        String name = fresh("fraud");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        register("rita", name, Fixtures.cardArtifact(201), Fixtures.card().ece(0.2).json()).then().statusCode(201)
                .body("version.gate.passed", equalTo(false))
                .body("version.gate.checks[2].outcome", equalTo("FAILED"))
                .body("version.gate.checks[2].detail", containsString("ECE 0.2 > max 0.05"));

        // Then it cannot be approved nor promoted, and the refusal names the failed check
        approve("alice", name, 1).then().statusCode(409).body("detail", containsString("did not pass its gate"));
        move("dave", name, "shadow", 1, null).then().statusCode(409).body("detail", containsString("calibration"));
        given().get("/v1/use-cases/" + name + "/versions").then().statusCode(200)
                .body("[0].gatePassed", equalTo(false));
    }

    @Test
    void aFairnessGapBeyondItsCapBlocksTheGate() {
        // Given card-fraud, which caps the false-positive-rate gap between slices at 0.03: a candidate whose web
        // customers are falsely held 8.2% of the time and mobile ones 2%, and one at 2.5% against 2%
        String name = fresh("fraud");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        register("rita", name, Fixtures.cardArtifact(251), Fixtures.card().fairnessGap(0.062).json()).then()
                .statusCode(201)
                .body("version.gate.passed", equalTo(false))
                .body("version.gate.checks[6].name", equalTo("fairness"))
                .body("version.gate.checks[6].outcome", equalTo("FAILED"))
                .body("version.gate.checks[6].detail", containsString(
                        "device falsePositiveRate gap 0.062 (web 0.082 vs mobile 0.02, 2 slices) exceeds the cap 0.03"));
        register("rita", name, Fixtures.cardArtifact(252), Fixtures.card().json()).then().statusCode(201)
                .body("version.gate.passed", equalTo(true))
                .body("version.gate.checks[6].outcome", equalTo("PASSED"))
                .body("version.evaluationReport.fairness.attributes[1].slices[1].negatives", equalTo(3744));

        // Then the blocked one cannot even enter shadow, and the refusal names the check
        move("dave", name, "shadow", 1, null).then().statusCode(409).body("detail", containsString("fairness"));
    }

    @Test
    void theRegistrantCannotApproveTheirOwnVersion() {
        // Given olga, who is registrar and approver, registering a version
        String name = fresh("fraud");
        putSpec("olga", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        register("olga", name, Fixtures.cardArtifact(301), Fixtures.card().json()).then().statusCode(201);

        // Then she cannot approve it, alice can
        approve("olga", name, 1).then().statusCode(409).body("detail", containsString("four eyes"));
        approve("alice", name, 1).then().statusCode(200);
    }

    @Test
    void aRegressionUseCaseRollsOutUnderNonInferiorityWithoutApproval() {
        // Given delivery-eta (regression, non-inferiority margin 0.25 min, no approval, canary 5% then 25%)
        String name = fresh("eta");
        putSpec("rita", name, Fixtures.specYaml("delivery-eta.yaml", name)).then().statusCode(201);
        register("rita", name, Fixtures.courierArtifact(401), Fixtures.courier().json()).then().statusCode(201)
                .body("version.gate.passed", equalTo(true))
                .body("version.gate.checks[2].detail", equalTo("not required by the promotion policy"));
        move("dave", name, "shadow", 1, null).then().statusCode(200);
        move("dave", name, "champion", 1, null).then().statusCode(200);

        // When v2 is 0.1 min worse in MAE with CI [-0.05, 0.20] (lift CI [-0.20, 0.05], not inferior)
        register("rita", name, Fixtures.courierArtifact(402), Fixtures.courier().comparedWith(1, 0.10, -0.05, 0.20)
                .business(1.05, 1.10).json()).then().statusCode(201)
                .body("version.gate.passed", equalTo(true))
                .body("version.gate.checks[0].detail", containsString("not inferior"));

        // Then it walks shadow -> canary 5% -> canary 25% -> champion with no approval
        move("dave", name, "shadow", 2, null).then().statusCode(200);
        move("dave", name, "canary", 2, null).then().statusCode(200).body("canary.trafficPercent", equalTo(5.0f));
        move("dave", name, "canary", 2, null).then().statusCode(200).body("canary.trafficPercent", equalTo(25.0f));
        move("dave", name, "champion", 2, null).then().statusCode(200).body("champion.version", equalTo(2));
    }

    @Test
    void versionMetadataIsCheckedAgainstTheSpecAndTheArtifact() {
        // Given card-fraud, and metadata naming another feature set, a contract without owner, for a courier model
        String name = fresh("fraud");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        Map<String, Object> metadata = Fixtures.card().featureSet("courier-load").map();
        ((Map<?, ?>) metadata.get("contract")).remove("owner");

        // When registered with the wrong artifact, Then 422 names each problem
        register("rita", name, Fixtures.courierArtifact(501), toJson(metadata)).then().statusCode(422)
                .body("errors.field", hasItems("lineage.featureSet", "contract.owner", "contract.inputs",
                        "artifact"));
        given().get("/v1/use-cases/" + name + "/versions").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void theArtifactIsDownloadedByteForByteWithItsDigest() {
        // Given a registered version
        String name = fresh("fraud");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        byte[] artifact = Fixtures.cardArtifact(601);
        register("rita", name, artifact, Fixtures.card().json()).then().statusCode(201);

        // When it is downloaded by version and by digest, Then both are the uploaded bytes, named by sha256
        byte[] byVersion = given().get("/v1/use-cases/" + name + "/versions/1/artifact").then().statusCode(200)
                .header("X-Artifact-Sha256", sha256(artifact)).extract().asByteArray();
        byte[] byDigest = given().get("/v1/artifacts/" + sha256(artifact)).then().statusCode(200).extract()
                .asByteArray();
        assertThat(byVersion).isEqualTo(artifact);
        assertThat(byDigest).isEqualTo(artifact);
    }

    private List<RegistryEvent> events(String useCase, int count) {
        EventCodec<RegistryEvent> codec = EventCodec.of(RegistryEvent.class);
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.REGISTRY_EVENTS,
                    r -> useCase.equals(r.key()), count, Duration.ofSeconds(30));
            return records.stream().map(r -> codec.decode(r.value())).toList();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The "spec" member of a GET answer, exactly as served (no float rounding on the way). */
    static String specJson(String body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("spec").toString();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String toJson(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
