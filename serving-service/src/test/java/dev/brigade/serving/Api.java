package dev.brigade.serving;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;

/** The service's HTTP API as the tests call it. */
public final class Api {

    static {
        // Scores are doubles: JsonPath would otherwise read them as floats.
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig()
                .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    /** Read JSON numbers as doubles (scores), not floats. */
    public static final JsonPathConfig DOUBLES = JsonPathConfig.jsonPathConfig()
            .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE);

    private Api() {
    }

    /** Loads this class (and its RestAssured configuration). */
    public static void init() {
    }

    public static Response score(String useCase, Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/score/" + useCase);
    }

    public static Response noop(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/noop");
    }

    public static Map<String, Object> request(String eventId, String entityId, Map<String, ?> attributes) {
        return Map.of("eventId", eventId, "entityId", entityId, "attributes", attributes);
    }

    /** The serving view of a use case from GET /v1/models, or null. */
    public static Map<String, Object> serving(String useCase) {
        List<Map<String, Object>> all = given().when().get("/v1/models").then().statusCode(200).extract().jsonPath()
                .getList("$");
        return all.stream().filter(m -> useCase.equals(m.get("useCase"))).findFirst().orElse(null);
    }

    /** Waits until the use case's {@code role} (champion, canary, shadow, baseline) is served by {@code version}. */
    public static void awaitServing(String useCase, String role, Integer version) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Map<String, Object> s = serving(useCase);
            return s != null && Objects.equals(s.get(role), version);
        });
    }
}
