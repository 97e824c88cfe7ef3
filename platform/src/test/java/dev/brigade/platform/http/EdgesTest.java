package dev.brigade.platform.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The one error contract: every refusal is the same RFC 9457 problem shape, whoever refuses. */
@QuarkusTest
class EdgesTest {

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            Object[] params = record.getParameters();
            logLines.add(params == null || params.length == 0 ? message : String.format(message, params));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void aRefusalThrownBelowRestIsAProblemNamingTheFieldAndThePath() {
        given().contentType("application/json").body("{\"id\":\"o1\",\"quantity\":0}")
                .when().post("/edge/orders")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:invalid-order"))
                .body("title", equalTo("Unprocessable Content"))
                .body("status", equalTo(422))
                .body("instance", equalTo("/edge/orders"))
                .body("errors[0].field", equalTo("quantity"))
                .body("errors[0].message", containsString("was 0"))
                .body("errorId", nullValue());
    }

    @Test
    void malformedAndMismatchedJsonSayWhereTheBodyBroke() {
        given().contentType("application/json").body("{\"id\":").when().post("/edge/orders")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:malformed-json"))
                .body("instance", equalTo("/edge/orders"));
        given().contentType("application/json").body("{\"id\":\"o1\",\"quantity\":\"many\"}")
                .when().post("/edge/orders")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:malformed-json"))
                .body("errors[0].field", containsString("quantity"));
    }

    @Test
    void theRestLayersOwnRefusalsAreProblemsToo() {
        given().when().get("/edge/nowhere").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:not-found")).body("instance", equalTo("/edge/nowhere"));
        given().when().get("/edge/orders/not-a-number").then().statusCode(404)
                .body("type", equalTo("urn:brigade:problem:not-found"));
        given().when().delete("/edge/orders/1").then().statusCode(405).contentType("application/problem+json")
                .header("Allow", containsString("GET"))
                .body("type", equalTo("urn:brigade:problem:method-not-allowed"));
        given().contentType("text/plain").body("x").when().post("/edge/orders").then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:unsupported-media-type"));
    }

    @Test
    void aBugIsA500WithAnErrorIdThatIsAlsoInTheLogLine() {
        // Given an endpoint with a bug, When it is called
        Response answer = given().when().get("/edge/bug");

        // Then the caller gets a problem with an error id and none of the bug's words
        answer.then().statusCode(500).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:internal"))
                .body("instance", equalTo("/edge/bug"));
        String errorId = answer.jsonPath().getString("errorId");
        assertThat(errorId).matches("[0-9a-f-]{36}");
        assertThat(answer.asString()).doesNotContain("a bug the caller must not read about");

        // And the operators find the failure by that id
        assertThat(logLines).anySatisfy(line -> assertThat(line).contains(errorId));
    }

    @Test
    void securityAnswersNameTheRealmAndTheRole() {
        given().when().post("/edge/guarded").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Basic realm=\"brigade-test\""))
                .body("type", equalTo("urn:brigade:problem:unauthorized"))
                .body("detail", containsString("change the test's state"))
                .body("instance", equalTo("/edge/guarded"));
        given().auth().preemptive().basic("tess", "wrong").when().post("/edge/guarded").then().statusCode(401)
                .body("type", equalTo("urn:brigade:problem:unauthorized"));
        given().auth().preemptive().basic("olly", "olly-password").when().post("/edge/guarded").then()
                .statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:forbidden")).body("detail", containsString("(tester)"));
        given().auth().preemptive().basic("tess", "tess-password").when().post("/edge/guarded").then()
                .statusCode(200).body("id", equalTo("g"));
    }

    @Test
    void anAnswerWithoutProblemsCarriesNoProblemFields() {
        given().when().get("/edge/orders/3").then().statusCode(200).body("quantity", equalTo(3))
                .body("errors", nullValue());
        given().contentType("application/json").body("{\"id\":\"o1\",\"quantity\":2}").when().post("/edge/orders")
                .then().statusCode(200).body("id", equalTo("o1"));
    }

    @Test
    void aProblemListsEveryFieldError() {
        given().contentType("application/json").body("{\"id\":\"o1\",\"quantity\":-1}").when().post("/edge/orders")
                .then().statusCode(422).body("errors", hasSize(1));
    }
}
