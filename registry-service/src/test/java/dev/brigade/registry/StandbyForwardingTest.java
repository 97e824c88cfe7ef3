package dev.brigade.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The service as the standby of an active instance elsewhere ({@link ActiveElsewhere}: a fake active that echoes
 * what reaches it): its writes are forwarded unchanged and the answers come back as they are, its reads answer
 * here; then the active goes away and this instance takes over, and its first write lands.
 */
@QuarkusTest
@WithTestResource(ActiveElsewhere.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandbyForwardingTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    @Order(1)
    void theStandbyKnowsTheActiveAndIsReady() {
        given().when().get("/v1/registry/leader").then().statusCode(200)
                .body("role", equalTo("STANDBY"))
                .body("active.instanceId", equalTo(ActiveElsewhere.FAKE_ID))
                .body("active.url", startsWith("http://localhost:"));
        // ready once its replay caught up: it knows where writes go
        await().atMost(BOUND).untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(200));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'registry-events replay' }.data.role", equalTo("STANDBY"))
                .body("checks.find { it.name == 'registry-events replay' }.data.activeInstance",
                        equalTo(ActiveElsewhere.FAKE_ID));
    }

    @Test
    @Order(2)
    void aWriteIsForwardedUnchangedAndTheActivesAnswerReturnedAsItIs() {
        // Given a registrar's write to the standby, with a query and a body
        String yaml = Fixtures.specYaml("card-fraud.yaml", "forwarded");

        // When it is sent here
        var answer = given().urlEncodingEnabled(false).auth().preemptive().basic("rita", "rita-local")
                .contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/use-cases/forwarded?reason=first%20spec").then()
                .statusCode(201) // the active's status
                .header("X-Answered-By", ActiveElsewhere.FAKE_ID) // the active's headers
                .header("X-Brigade-Forwarded-To", startsWith("http://localhost:"))
                .extract();

        // Then the active received method, path, query, credentials, content type and body as sent
        JsonPath seen = answer.jsonPath();
        assertThat(seen.getString("method")).isEqualTo("PUT");
        assertThat(seen.getString("uri")).isEqualTo("/v1/use-cases/forwarded?reason=first%20spec");
        assertThat(seen.getString("authorization")).isEqualTo("Basic cml0YTpyaXRhLWxvY2Fs");
        assertThat(seen.getString("contentType")).startsWith("application/yaml");
        assertThat(seen.getString("body")).isEqualTo(yaml);
        assertThat(seen.getString("forwardedBy")).isNotBlank();
    }

    @Test
    @Order(2)
    void aMultipartUploadAndAnEmptyBodyAreForwardedToo() {
        // Given a model version upload (multipart: artifact bytes and metadata) to the standby
        JsonPath upload = given().auth().preemptive().basic("training-service", "training-local")
                .multiPart("artifact", "model.bin", new byte[] {1, 2, 3, 4}, "application/octet-stream")
                .multiPart("metadata", "{\"runtimeContract\": {}}", "application/json")
                .when().post("/v1/use-cases/forwarded/versions").then().statusCode(201)
                .header("X-Answered-By", ActiveElsewhere.FAKE_ID).extract().jsonPath();

        // Then the active received the multipart body whole
        assertThat(upload.getString("method")).isEqualTo("POST");
        assertThat(upload.getString("contentType")).startsWith("multipart/form-data; boundary=");
        assertThat(upload.getString("body")).contains("name=\"artifact\"; filename=\"model.bin\"")
                .contains("{\"runtimeContract\": {}}");

        // And a write without a body arrives without one
        JsonPath empty = given().auth().preemptive().basic("dave", "dave-local")
                .when().post("/v1/use-cases/forwarded/rollback").then().statusCode(201).extract().jsonPath();
        assertThat(empty.getString("uri")).isEqualTo("/v1/use-cases/forwarded/rollback");
        assertThat(empty.getString("body")).isEmpty();
    }

    @Test
    @Order(3)
    void readsAreAnsweredHereAndAForwardedWriteIsNotForwardedAgain() {
        given().when().get("/v1/use-cases").then().statusCode(200).header("X-Brigade-Forwarded-To", nullValue());
        given().header("X-Brigade-Forwarded-By", "another-standby").auth().preemptive().basic("dave", "dave-local")
                .contentType("application/json").body("{\"reason\": \"r\"}")
                .when().post("/v1/use-cases/forwarded/rollback").then().statusCode(503)
                .header("Retry-After", "2").contentType("application/problem+json");
    }

    @Test
    @Order(4)
    void whenTheActiveGoesAwayThisInstanceTakesOverAndItsFirstWriteLands() {
        // Given the active elsewhere stops (its elector leaves the group)
        String active = given().when().get("/v1/registry/leader").then().extract().jsonPath()
                .getString("active.url");
        int before = given().when().get("/v1/registry/leader").then().extract().jsonPath().getInt("active.epoch");
        long stopped = System.nanoTime();
        given().baseUri(active).when().post("/stop").then().statusCode(204);

        // Then this instance becomes active within the bound, with a newer epoch
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given().when()
                .get("/v1/registry/leader").then().body("role", equalTo("ACTIVE")));
        System.out.printf("Service took over %d ms after the active left%n", (System.nanoTime() - stopped) / 1_000_000);
        JsonPath leader = given().when().get("/v1/registry/leader").then().extract().jsonPath();
        assertThat(leader.getInt("active.epoch")).isGreaterThan(before);
        assertThat(leader.getString("active.instanceId")).isEqualTo(leader.getString("instanceId"));

        // And its first write lands here
        String name = "takeover-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().preemptive().basic("rita", "rita-local").contentType("application/yaml")
                .body(Fixtures.specYaml("card-fraud.yaml", name).getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/use-cases/" + name).then().statusCode(201)
                .header("X-Brigade-Forwarded-To", nullValue());
        given().when().get("/v1/use-cases/" + name).then().statusCode(200);
    }
}
