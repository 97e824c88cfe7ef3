package dev.brigade.monitor;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.monitor.support.FakeEndpoints;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Issue #9: a refusal under /v1 (404 included) is a JSON problem body, not an HTML page; the dashboard files are still served. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeEndpoints.class)
class HostileRequestTest {

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {"/v1/use-cases/no-such-use-case/windows?limit=not-a-number",
            "/v1/use-cases/no-such-use-case/windows?version=..%2F..%2Fetc", "/v1/use-cases/no-such-use-case",
            "/v1/use-cases/..%2F..%2Fetc/windows", "/v1/no-such-thing"})
    void aRefusalUnderV1IsAProblemBody(String path) {
        given().urlEncodingEnabled(false).when().get(path)
                .then().statusCode(both(greaterThanOrEqualTo(400)).and(lessThan(500)))
                .contentType("application/problem+json").body("type", startsWith("urn:brigade:problem:"));
    }

    @Test
    void theDashboardIsStillServed() {
        given().when().get("/").then().statusCode(200).body(containsString("<html"));
        given().when().get("/dashboard.js").then().statusCode(200);
    }
}
