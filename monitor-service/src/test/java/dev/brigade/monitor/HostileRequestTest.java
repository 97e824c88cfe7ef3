package dev.brigade.monitor;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.monitor.support.FakeEndpoints;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Issue #9: a 404 under /v1 is a JSON problem body, not an HTML page; the dashboard files are still served. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeEndpoints.class)
class HostileRequestTest {

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {"/v1/use-cases/no-such-use-case/windows?limit=not-a-number",
            "/v1/use-cases/no-such-use-case/windows?version=..%2F..%2Fetc", "/v1/use-cases/no-such-use-case"})
    void aRefusalUnderV1IsAProblemBody(String path) {
        given().urlEncodingEnabled(false).when().get(path)
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void theDashboardIsStillServed() {
        given().when().get("/").then().statusCode(200).body(containsString("<html"));
        given().when().get("/dashboard.js").then().statusCode(200);
    }
}
