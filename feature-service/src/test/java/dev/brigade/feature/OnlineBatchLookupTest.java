package dev.brigade.feature;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.broker.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The batch look-up (POST /v1/features/{set}) on a real broker: each answer is what the single look-up answers for
 * the same entity, attributes and instant, in request order; a bad batch is refused whole, naming every bad field.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StreamsStateResource.class)
class OnlineBatchLookupTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BATCH = "/v1/features/card-activity";

    @Test
    void eachAnswerOfABatchIsTheSingleLookUpsAnswerInRequestOrder() throws Exception {
        // Given two cards with history (no event near a window edge: the test may run minutes) and one without
        String a = "card-" + UUID.randomUUID();
        String b = "card-" + UUID.randomUUID();
        String none = "card-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        postEvents(a, List.of(now.minusSeconds(2400), now.minusSeconds(1500), now.minusSeconds(300)),
                List.of(10.0, 20.0, 30.0));
        postEvents(b, List.of(now.minusSeconds(5000), now.minusSeconds(200)), List.of(5.0, 15.0));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            given().when().get(BATCH + "/" + a).then().statusCode(200).body("features.txn_count_1h.value",
                    equalTo(3));
            given().when().get(BATCH + "/" + b).then().statusCode(200).body("features.amount_sum_24h.value",
                    equalTo(20.0f));
        });

        // When one batch asks for them, with and without attributes, as of now and as of a quarter hour ago
        String pastAsOf = now.minusSeconds(900).toString();
        ArrayNode lookups = JSON.createArrayNode();
        lookups.add(item(a, "{\"amount\": 40.0, \"online\": true}", null));
        lookups.add(item(none, null, null));
        lookups.add(item(b, "{\"amount\": 7.5}", pastAsOf));
        lookups.add(item(a, null, pastAsOf));
        lookups.add(item(b, "{\"amount\": 12, \"merchant\": null}", null));
        Instant before = Instant.now();
        String answer = given().contentType(ContentType.JSON).body("{\"lookups\": " + lookups + "}")
                .when().post(BATCH)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("featureSet", equalTo("card-activity")).body("version", equalTo(1))
                .extract().asString();
        Instant after = Instant.now();

        // Then there is one answer per look-up, in request order
        JsonNode results = JSON.readTree(answer).get("results");
        assertThat(results).hasSize(5);
        List<String> entityIds = new ArrayList<>();
        results.forEach(r -> entityIds.add(r.get("entityId").asText()));
        assertThat(entityIds).containsExactly(a, none, b, a, b);
        // And each is, field for field, what the single look-up answers for the same entity, attributes and
        // instant; a look-up without asOf is as of the moment the batch was answered, so the single one is asked
        // as of that moment too
        for (int i = 0; i < lookups.size(); i++) {
            ObjectNode item = (ObjectNode) lookups.get(i).deepCopy();
            JsonNode batched = results.get(i);
            if (item.has("asOf")) {
                assertThat(batched.get("asOf").asText()).isEqualTo(pastAsOf);
            } else {
                assertThat(Instant.parse(batched.get("asOf").asText())).as("look-up %d asOf", i)
                        .isBetween(before, after);
                item.put("asOf", batched.get("asOf").asText());
            }
            JsonNode single = JSON.readTree(given().contentType(ContentType.JSON)
                    .body(item.without("entityId").toString())
                    .when().post(BATCH + "/" + lookups.get(i).get("entityId").asText())
                    .then().statusCode(200).extract().asString());
            assertThat(batched).as("look-up %d", i).isEqualTo(single);
        }
        // And the answers say what the histories and attributes say (not merely the same thing twice)
        assertThat(results.get(0).at("/features/txn_count_1h/value").asInt()).isEqualTo(3);
        assertThat(results.get(0).at("/features/amount/value").asDouble()).isEqualTo(40.0);
        assertThat(results.get(0).at("/features/online/value").asBoolean()).isTrue();
        assertThat(results.get(1).at("/features/txn_count_1h/status").asText()).isEqualTo("NO_HISTORY");
        assertThat(results.get(2).at("/features/amount_sum_24h/value").asDouble()).isEqualTo(5.0);
        assertThat(results.get(3).at("/features/txn_count_1h/value").asInt()).isEqualTo(2);
        assertThat(results.get(4).at("/features/amount_sum_24h/value").asDouble()).isEqualTo(20.0);

        // And the batch is timed with the other look-ups, and its size counted
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("brigade_features_lookup_seconds_count")
                && l.contains("method=\"batch\""))).isNotEmpty();
        assertThat(metrics.lines().filter(l -> l.startsWith("brigade_features_lookup_batch_items_sum")))
                .singleElement().satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                        .isGreaterThanOrEqualTo(5.0));
        assertThat(metrics).contains("uri=\"/v1/features/{set}\"");
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/v1/features/{set}'.post.summary", equalTo(
                        "Many entities' features in one call, one answer per look-up in request order"));
    }

    /** A bad batch, and what it must be answered. */
    private record Bad(String what, String body, int status, List<String> fields) {
    }

    @Test
    void aBadBatchIsRefusedWholeNamingEveryBadField() {
        StringBuilder tooMany = new StringBuilder("{\"lookups\": [");
        for (int i = 0; i < 257; i++) { // the default maximum is 256
            tooMany.append(i == 0 ? "" : ",").append("{\"entityId\": \"card-").append(i).append("\"}");
        }
        tooMany.append("]}");
        List<Bad> table = List.of(
                new Bad("not JSON", "{\"lookups\": [", 400, List.of()),
                new Bad("not an object", "[{\"entityId\": \"card-1\"}]", 400, List.of()),
                new Bad("no lookups", "{\"attributes\": {}}", 400, List.of("lookups")),
                new Bad("lookups not an array", "{\"lookups\": {\"entityId\": \"card-1\"}}", 400,
                        List.of("lookups")),
                new Bad("empty", "{\"lookups\": []}", 422, List.of("lookups")),
                new Bad("too many", tooMany.toString(), 413, List.of("lookups")),
                new Bad("bad entity id at index 2", """
                        {"lookups": [{"entityId": "card-1"}, {"entityId": "card-2"}, {"entityId": "card 3/.."}]}""",
                        422, List.of("lookups[2].entityId")),
                new Bad("entity id missing or not a string", """
                        {"lookups": [{"attributes": {}}, {"entityId": 7}]}""",
                        422, List.of("lookups[0].entityId", "lookups[1].entityId")),
                new Bad("bad asOf", """
                        {"lookups": [{"entityId": "card-1", "asOf": "yesterday"}]}""",
                        422, List.of("lookups[0].asOf")),
                new Bad("non-scalar attribute", """
                        {"lookups": [{"entityId": "card-1"}, {"entityId": "card-2", "attributes": {"x": [1]}}]}""",
                        422, List.of("lookups[1].attributes.x")),
                new Bad("attributes not an object", """
                        {"lookups": [{"entityId": "card-1", "attributes": 3}]}""",
                        422, List.of("lookups[0].attributes")),
                new Bad("a look-up that is not an object", """
                        {"lookups": ["card-1"]}""", 422, List.of("lookups[0]")),
                new Bad("every bad field at once", """
                        {"lookups": [{"entityId": "card-1", "asOf": 5}, {"entityId": "card-2"},
                                     {"entityId": "", "attributes": {"x": {"y": 1}}}]}""",
                        422, List.of("lookups[0].asOf", "lookups[2].entityId", "lookups[2].attributes.x")));

        for (Bad bad : table) {
            io.restassured.response.Response response = given().contentType(ContentType.JSON).body(bad.body())
                    .when().post(BATCH);
            assertThat(response.statusCode()).as(bad.what()).isEqualTo(bad.status());
            assertThat(response.contentType()).as(bad.what()).startsWith("application/problem+json");
            assertThat(response.jsonPath().getInt("status")).as(bad.what()).isEqualTo(bad.status());
            if (!bad.fields().isEmpty()) {
                assertThat(response.jsonPath().getList("errors.field", String.class)).as(bad.what())
                        .containsExactlyInAnyOrderElementsOf(bad.fields());
            }
        }
        // And a bad version is named as in the single look-up
        given().contentType(ContentType.JSON).body("{\"lookups\": [{\"entityId\": \"card-1\"}]}")
                .queryParam("version", "0").when().post(BATCH)
                .then().statusCode(422).body("errors[0].field", equalTo("version"));
    }

    @Test
    void anUnknownFeatureSetOrVersionIsNotFound() {
        String body = "{\"lookups\": [{\"entityId\": \"card-1\"}]}";
        given().contentType(ContentType.JSON).body(body).when().post("/v1/features/no-such-set")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:not-found"))
                .body("instance", equalTo("/v1/features/no-such-set"))
                .body("errors", org.hamcrest.Matchers.empty())
                .body("detail", equalTo("no feature set no-such-set"));
        given().contentType(ContentType.JSON).body(body).queryParam("version", "9").when().post(BATCH)
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("no feature set card-activity version 9"));
    }

    private static ObjectNode item(String entityId, String attributes, String asOf) throws Exception {
        ObjectNode item = JSON.createObjectNode().put("entityId", entityId);
        if (attributes != null) {
            item.set("attributes", JSON.readTree(attributes));
        }
        if (asOf != null) {
            item.put("asOf", asOf);
        }
        return item;
    }

    private static void postEvents(String card, List<Instant> times, List<Double> amounts) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < times.size(); i++) {
            body.append(i == 0 ? "" : ",").append("""
                    {"eventId": "evt-%s", "source": "card-transactions", "entityId": "%s", "eventTime": "%s",
                     "attributes": {"amount": %s, "merchant": "m-%d", "region": "eu", "device": "web"}}
                    """.formatted(UUID.randomUUID(), card, times.get(i), amounts.get(i), i));
        }
        given().contentType(ContentType.JSON).body(body.append("]").toString()).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(times.size()));
    }
}
