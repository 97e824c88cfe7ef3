package dev.brigade.registry;

import static dev.brigade.registry.Api.approve;
import static dev.brigade.registry.Api.fresh;
import static dev.brigade.registry.Api.move;
import static dev.brigade.registry.Api.putSpec;
import static dev.brigade.registry.Api.register;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.broker.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * GET /v1/use-cases/{name}/stages on a real broker: the loop of a use case before its first model, and after a
 * candidate passed its gate and was promoted champion; and the worst holdout rows kept in a version's report.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class StagesTest {

    @Test
    void theStagesFollowAUseCaseFromItsSpecToItsFirstChampion() throws Exception {
        // Given the card-fraud spec, and nothing trained yet
        String name = fresh("stages");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);

        // When the stages are asked for
        JsonPath before = stages(name);

        // Then framing is done, data is where the loop waits (no dataset trained on), the rest not entered yet
        assertThat(before.getList("stages.name")).containsExactly("framing", "data", "training", "evaluation",
                "deploy", "monitor");
        assertThat(before.getList("stages.status")).containsExactly("exited", "current", "not-entered",
                "not-entered", "not-entered", "not-entered");
        assertThat(before.getList("stages.owner")).containsExactly("risk-product-team", "payments-data-team",
                "fraud-ml-team", "fraud-ml-team", "risk-platform-oncall", "risk-platform-oncall");
        assertThat(before.getString("focusVersion")).isNull();
        assertThat(before.getInt("turn")).isEqualTo(1);
        assertThat(criterion(before, "data", "exit", "dataset-trained-on").get("met")).isEqualTo(false);
        assertThat(evidence(before, "data", "exit", "dataset-trained-on")).containsEntry("featureSet",
                "card-activity v1").containsEntry("waitingFor", "5000 labelled examples (new-data)");
        assertThat(criterion(before, "data", "exit", "slices-carried").get("met")).isNull();
        assertThat(criterion(before, "deploy", "entry", "rollback-target").get("met")).isEqualTo(false);
        assertThat(criterion(before, "monitor", "entry", "champion-serving").get("met")).isEqualTo(false);
        assertThat(criterion(before, "monitor", "exit", "retrain-under-policy").get("met")).isEqualTo(true);
        assertThat(evidence(before, "monitor", "exit", "retrain-under-policy"))
                .containsEntry("monitorSignals", List.of("drift", "degraded")).containsEntry("cooldown", "6h");

        // When a run registers its baseline and its candidate, and the candidate is gated and approved
        register("rita", name, Fixtures.cardArtifact(201), Fixtures.card().with("role", "baseline").json())
                .then().statusCode(201);
        register("rita", name, Fixtures.cardArtifact(202), Fixtures.card().json()).then().statusCode(201);
        JsonPath gated = stages(name);

        // Then the loop stands at evaluation (approval missing), with the gate's checks as evidence
        assertThat(gated.getInt("focusVersion")).isEqualTo(2);
        assertThat(gated.getList("stages.status")).containsExactly("exited", "exited", "exited", "current",
                "not-entered", "not-entered");
        assertThat(criterion(gated, "evaluation", "exit", "gate-passed").get("met")).isEqualTo(true);
        assertThat(criterion(gated, "evaluation", "exit", "approval").get("met")).isEqualTo(false);
        assertThat(evidence(gated, "training", "exit", "baseline-registered")).containsEntry("baseline", 1);
        assertThat(evidence(gated, "data", "exit", "dataset-trained-on")).containsEntry("examples", 40000);

        // When it is approved, goes to shadow (the loop is in deploy) and then to champion
        approve("alice", name, 2).then().statusCode(200);
        move("dave", name, "shadow", 2, null).then().statusCode(200);
        JsonPath shadow = stages(name);
        assertThat(shadow.getList("stages.status")).containsExactly("exited", "exited", "exited", "exited",
                "current", "not-entered");
        assertThat(evidence(shadow, "deploy", "exit", "champion-promoted")).containsEntry("alias", "shadow");
        move("dave", name, "champion", 2, null).then().statusCode(200);
        JsonPath after = stages(name);

        // Then every stage up to deploy is exited, the monitor is current, and deploy was entered with the
        // baseline as its rollback target
        assertThat(after.getList("stages.status")).containsExactly("exited", "exited", "exited", "exited",
                "exited", "current");
        assertThat(after.getInt("championVersion")).isEqualTo(2);
        assertThat(after.getInt("turn")).isEqualTo(2);
        assertThat(after.getList("stages.entered")).containsOnly(true);
        assertThat(evidence(after, "deploy", "entry", "rollback-target")).containsEntry("version", 1)
                .containsEntry("kind", "baseline");
        assertThat(evidence(after, "deploy", "exit", "champion-promoted"))
                .containsEntry("walked", List.of("shadow", "champion")).containsEntry("alias", "champion");
        assertThat(criterion(after, "monitor", "entry", "reference-profile").get("met")).isEqualTo(true);
        assertThat(criterion(after, "monitor", "exit", "retrained").get("met")).isEqualTo(false);
        assertThat(after.getBoolean("stages[5].exited")).isFalse();
    }

    @Test
    void unknownUseCaseIsA404() {
        given().get("/v1/use-cases/" + fresh("nobody") + "/stages").then().statusCode(404);
    }

    @Test
    void theWorstHoldoutRowsTravelWithTheReport() throws Exception {
        // Given a version whose report keeps its two worst holdout rows with slices and features
        String name = fresh("worst");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        Map<String, Object> metadata = Fixtures.card().map();
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) metadata.get("evaluationReport");
        java.util.Map<String, Object> missing = new java.util.HashMap<>();
        missing.put("amount", 912.5);
        missing.put("online", true);
        missing.put("merchant_risk", null);
        report.put("worstExamples", List.of(
                Map.of("eventId", "e-17", "label", 1.0, "score", 0.02, "loss", 3.91,
                        "slices", Map.of("region", "eu", "device", "web"), "features", missing),
                Map.of("eventId", "e-4", "label", 0.0, "score", 0.93, "loss", 2.66)));

        // When it is registered
        register("rita", name, Fixtures.cardArtifact(301), new ObjectMapper().writeValueAsString(metadata))
                .then().statusCode(201);

        // Then the version's report answers them, worst first, with what the model saw
        JsonPath version = given().get("/v1/use-cases/" + name + "/versions/1").then().statusCode(200)
                .extract().jsonPath();
        assertThat(version.getList("version.evaluationReport.worstExamples.eventId")).containsExactly("e-17", "e-4");
        assertThat(version.getFloat("version.evaluationReport.worstExamples[0].features.amount")).isEqualTo(912.5f);
        assertThat(version.getString("version.evaluationReport.worstExamples[0].slices.region")).isEqualTo("eu");

        // And a row with a bad value is refused, naming the field
        report.put("worstExamples", List.of(Map.of("eventId", "e-1", "label", 1.0, "score", 0.2, "loss", -1.0,
                "features", Map.of("amount", List.of(1)))));
        register("rita", name, Fixtures.cardArtifact(302), new ObjectMapper().writeValueAsString(metadata))
                .then().statusCode(422);
        JsonPath problem = register("rita", name, Fixtures.cardArtifact(302),
                new ObjectMapper().writeValueAsString(metadata)).then().extract().jsonPath();
        assertThat(problem.getList("errors.field")).contains("evaluationReport.worstExamples[0].loss",
                "evaluationReport.worstExamples[0].features.amount");
    }

    private static JsonPath stages(String name) {
        return given().get("/v1/use-cases/" + name + "/stages").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> criterion(JsonPath stages, String stage, String side, String id) {
        List<Map<String, Object>> list = stages.getList("stages.find { it.name == '" + stage + "' }." + side);
        return list.stream().filter(c -> id.equals(c.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError(stage + " has no " + side + " criterion " + id + ": " + list));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> evidence(JsonPath stages, String stage, String side, String id) {
        return (Map<String, Object>) criterion(stages, stage, side, id).get("evidence");
    }
}
