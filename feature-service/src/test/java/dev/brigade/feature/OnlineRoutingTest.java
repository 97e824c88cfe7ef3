package dev.brigade.feature;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.feature.service.OnlineFeatureService;
import dev.brigade.feature.streams.FeatureSetTopology;
import dev.brigade.feature.streams.FeatureStreams;
import dev.brigade.feature.streams.ProcessingListener;
import dev.brigade.platform.kafka.TopicNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

/**
 * With two instances of a feature-set version's app, a look-up of a key owned by the other instance is answered by
 * that instance. The second instance here is a plain Streams app of the same application id, advertising a small
 * HTTP server that records what reaches it (and answers a batch look-up with one answer per look-up it was sent).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StreamsStateResource.class)
class OnlineRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    FeatureStreams streams;

    @Test
    void aKeyOwnedByAnotherInstanceIsAnsweredByThatInstance() throws Exception {
        // Given a second instance of card-activity v1's app, reachable at a recording HTTP server
        List<String> routedRequests = new CopyOnWriteArrayList<>();
        List<JsonNode> routedBatches = new CopyOnWriteArrayList<>();
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/v1/features/", exchange -> {
            routedRequests.add(exchange.getRequestURI() + " routed-by="
                    + exchange.getRequestHeaders().getFirst(OnlineFeatureService.ROUTED_HEADER));
            int status = 200;
            String answer = "{\"servedBy\": \"the other instance\"}";
            if (!exchange.getRequestURI().getPath().equals("/v1/features/card-activity")
                    && JSON.readTree(exchange.getRequestBody()).at("/attributes/slow").asBoolean()) {
                sleep(Duration.ofSeconds(2)); // a single look-up over the budget
            }
            if (exchange.getRequestURI().getPath().equals("/v1/features/card-activity")) {
                // A batch: one answer per look-up, in its order; attributes may ask for a failure or a slow answer
                JsonNode batch = JSON.readTree(exchange.getRequestBody());
                routedBatches.add(batch);
                ArrayNode results = JSON.createArrayNode();
                for (JsonNode lookup : batch.get("lookups")) {
                    if (lookup.at("/attributes/fail").asBoolean()) {
                        status = 500;
                    }
                    if (lookup.at("/attributes/slow").asBoolean()) {
                        sleep(Duration.ofSeconds(2)); // over the look-up budget of 500 ms
                    }
                    results.addObject().put("featureSet", "card-activity").put("version", 1)
                            .put("entityId", lookup.get("entityId").asText()).put("asOf", "2026-11-26T10:00:00Z")
                            .put("servedBy", "the other instance").putObject("features").putObject("amount")
                            .put("value", lookup.at("/attributes/amount").asDouble()).put("status", "PRESENT");
                }
                answer = status == 200
                        ? JSON.createObjectNode().put("featureSet", "card-activity").put("version", 1)
                                .set("results", results).toString()
                        : "{\"status\": 500, \"detail\": \"the other instance broke\"}";
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        FeatureStreams.VersionApp here = streams.version("card-activity@1").orElseThrow();
        KafkaStreams second = new KafkaStreams(FeatureSetTopology.build(TopicNames.NONE, FeatureSets.cardActivity(),
                Clock.systemUTC(), ProcessingListener.NONE), secondInstance(here.applicationId(),
                        other.getAddress().getPort()));
        try {
            second.start();
            // When the group has spread the partitions over both, and a key lands on the other one
            String otherHost = "127.0.0.1:" + other.getAddress().getPort();
            String[] ownedByOther = new String[2];
            String[] ownedHere = new String[1];
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                List<String> there = new ArrayList<>();
                List<String> local = new ArrayList<>();
                for (int i = 0; i < 200 && second.state() == KafkaStreams.State.RUNNING; i++) {
                    KeyQueryMetadata m = here.streams().queryMetadataForKey(FeatureSetTopology.HISTORY_STORE,
                            "card-" + i, Serdes.String().serializer());
                    if (m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                        return false;
                    }
                    String active = m.activeHost().host() + ":" + m.activeHost().port();
                    (active.equals(otherHost) ? there : local).add("card-" + i);
                }
                if (there.size() < 2 || local.isEmpty()) {
                    return false;
                }
                ownedByOther[0] = there.get(0);
                ownedByOther[1] = there.get(1);
                ownedHere[0] = local.get(0);
                return true;
            });

            // Then its look-up is answered by the other instance, marked as routed so it is never bounced on
            // (a 503 "rebalancing; retry" is the documented answer while the group settles)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                    .get("/v1/features/card-activity/" + ownedByOther[0])
                    .then().statusCode(200).body("servedBy", equalTo("the other instance")));
            assertThat(routedRequests).singleElement().asString()
                    .contains("/v1/features/card-activity/" + ownedByOther[0])
                    .contains("routed-by=" + streams.applicationServer());

            // And a batch mixing keys of both instances asks the other one once, with only the look-ups it owns,
            // and answers every look-up in request order
            String batch = """
                    {"lookups": [{"entityId": "%s", "attributes": {"amount": 1.5}}, {"entityId": "%s"},
                                 {"entityId": "%s", "attributes": {"amount": 2.5}}]}"""
                    .formatted(ownedByOther[0], ownedHere[0], ownedByOther[1]);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().contentType(ContentType.JSON)
                    .body(batch).when().post("/v1/features/card-activity")
                    .then().statusCode(200)
                    .body("results.entityId", contains(ownedByOther[0], ownedHere[0], ownedByOther[1]))
                    .body("results.servedBy", contains("the other instance", streams.applicationServer(),
                            "the other instance"))
                    .body("results[0].features.amount.value", equalTo(1.5f))
                    .body("results[2].features.amount.value", equalTo(2.5f)));
            JsonNode routedBatch = routedBatches.get(routedBatches.size() - 1);
            assertThat(routedBatch.get("lookups")).hasSize(2);
            assertThat(routedBatch.at("/lookups/0/entityId").asText()).isEqualTo(ownedByOther[0]);
            assertThat(routedBatch.at("/lookups/1/entityId").asText()).isEqualTo(ownedByOther[1]);
            assertThat(routedBatch.at("/lookups/1/attributes/amount").asDouble()).isEqualTo(2.5);
            assertThat(routedRequests.get(routedRequests.size() - 1))
                    .isEqualTo("/v1/features/card-activity?version=1 routed-by=" + streams.applicationServer());

            // And when the other instance fails its part, the whole batch fails naming it: 502 for a wrong answer,
            // 503 (retry) for no answer within the look-up budget
            given().contentType(ContentType.JSON).body(batch.replace("\"amount\": 1.5", "\"fail\": true"))
                    .when().post("/v1/features/card-activity")
                    .then().statusCode(502).contentType("application/problem+json")
                    .body("detail", containsString("instance " + otherHost))
                    .body("detail", containsString("the other instance broke"));
            given().contentType(ContentType.JSON).body(batch.replace("\"amount\": 1.5", "\"slow\": true"))
                    .when().post("/v1/features/card-activity")
                    .then().statusCode(503).contentType("application/problem+json")
                    .body("detail", containsString("instance " + otherHost))
                    .body("detail", containsString("did not answer"));
            // And so does a single look-up whose owner does not answer in time: 503 (retry) naming the owner
            given().contentType(ContentType.JSON).body("{\"attributes\": {\"slow\": true}}")
                    .when().post("/v1/features/card-activity/" + ownedByOther[0])
                    .then().statusCode(503).contentType("application/problem+json")
                    .body("detail", containsString("owner " + otherHost))
                    .body("detail", containsString("did not answer"));
        } finally {
            second.close(Duration.ofSeconds(10));
            other.stop(0);
        }
        // And once the other instance left, the keys come home and are answered here again
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().when()
                .get("/v1/features/card-activity/card-0").then().statusCode(200)
                .body("servedBy", equalTo(streams.applicationServer())));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Properties secondInstance(String applicationId, int port) throws IOException {
        Path state = Files.createTempDirectory(Path.of("target"), "second-instance-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toAbsolutePath().toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return props;
    }
}
