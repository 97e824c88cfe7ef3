package dev.brigade.feature;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The prep station end to end on a real broker: JSON intake, the Streams apps, the label join, online look-ups,
 * registration with backfill, and the raw-events gate.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StreamsStateResource.class)
class PrepStationKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventCodec<TrainingExample> EXAMPLES = EventCodec.of(TrainingExample.class);
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void fromJsonEventsAndLabelsToTrainingExamplesAndOnlineFeatures() {
        // Given three transactions of a fresh card in the last half hour, posted as JSON
        String card = "card-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String[] ids = {id(), id(), id()};
        postEvents(card, List.of(ids), List.of(now.minusSeconds(1800), now.minusSeconds(1200),
                now.minusSeconds(600)), List.of(10.0, 20.0, 30.0));
        // And labels for the first two, one of them twice
        postLabel(ids[0], card, 0);
        postLabel(ids[1], card, 1);
        postLabel(ids[1], card, 0);

        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            // Then each event has exactly one card-activity vector, and it counts only the earlier events
            List<FeatureVector> vectors = probe.read(Topics.FEATURE_VECTORS, r -> ofCard(r, card), 3, WAIT).stream()
                    .map(r -> VECTORS.decode(r.value())).toList();
            assertThat(vectors).extracting(FeatureVector::getEventId).containsExactlyInAnyOrder(ids);
            assertThat(vectors).allSatisfy(v -> assertThat(v.getFeatureSet()).isEqualTo("card-activity"));
            assertThat(vectors).filteredOn(v -> v.getEventId().equals(ids[2])).singleElement()
                    .satisfies(v -> assertThat(v.getValues()).containsEntry("txn_count_1h", 2L)
                            .containsEntry("amount_sum_24h", 30.0));

            // And the two labelled events became one training example each; the first label won
            List<TrainingExample> examples = probe.read(Topics.TRAINING_EXAMPLES,
                    r -> EXAMPLES.decode(r.value()).getEntityId().equals(card), 2, WAIT).stream()
                    .map(r -> EXAMPLES.decode(r.value())).toList();
            assertThat(examples).extracting(TrainingExample::getEventId).containsExactlyInAnyOrder(ids[0], ids[1]);
            assertThat(examples).filteredOn(e -> e.getEventId().equals(ids[1])).singleElement()
                    .satisfies(e -> assertThat(e.getLabel()).isEqualTo(1.0));
            assertThat(probe.read(Topics.dlq(Topics.LABELS), r -> ids[1].equals(r.key()), 1, WAIT)).hasSize(1);
        }

        // And online, as of now, the card has three transactions in its last hour
        given().when().get("/v1/features/card-activity/" + card)
                .then().statusCode(200)
                .body("version", equalTo(1))
                .body("features.txn_count_1h.value", equalTo(3))
                .body("features.txn_count_1h.status", equalTo("PRESENT"))
                .body("features.amount.status", equalTo("MISSING"));
        // With the scoring request's attributes, the event-dependent features are computed too
        given().contentType(ContentType.JSON).body("{\"attributes\": {\"amount\": 40.0}}")
                .when().post("/v1/features/card-activity/" + card)
                .then().statusCode(200)
                .body("features.amount.value", equalTo(40.0f))
                .body("features.amount_to_mean_7d.value", equalTo(2.0f));
        // And as of before the first transaction, there was no history
        given().queryParam("asOf", now.minusSeconds(3600).toString())
                .when().get("/v1/features/card-activity/" + card)
                .then().statusCode(200).body("features.txn_count_1h.status", equalTo("NO_HISTORY"));
    }

    @Test
    void aNewVersionBackfillsEveryEarlierEventExactlyOnce() {
        // Given events of a fresh card, already processed by version 1
        String card = "card-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String[] ids = {id(), id()};
        postEvents(card, List.of(ids), List.of(now.minusSeconds(120), now.minusSeconds(60)), List.of(5.0, 6.0));
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            assertThat(probe.read(Topics.FEATURE_VECTORS, r -> ofCard(r, card), 2, WAIT)).hasSize(2);
        }

        // When a version registered later arrives (one that is not there yet in this JVM's broker)
        int version = 100 + (int) (Math.random() * 10_000);
        String yaml = """
                name: card-activity
                version: %d
                source: card-transactions
                features:
                  - {name: txn_count_1d, type: long, aggregation: count, window: 1d, default: 0}
                """.formatted(version);
        asRegistrar().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/card-activity/versions/" + version).then().statusCode(201);

        // Then its backfill reaches the end of what was there, and each earlier event got exactly one vector of it
        await().atMost(WAIT).untilAsserted(() -> given().when()
                .get("/v1/feature-sets/card-activity/versions/" + version + "/backfill")
                .then().statusCode(200).body("done", equalTo(true)));
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            List<FeatureVector> backfilled = probe.read(Topics.FEATURE_VECTORS,
                    r -> ofCard(r, card) && VECTORS.decode(r.value()).getFeatureSetVersion() == version, 3,
                    Duration.ofSeconds(10)).stream().map(r -> VECTORS.decode(r.value())).toList();
            assertThat(backfilled).extracting(FeatureVector::getEventId).containsExactlyInAnyOrder(ids);
            assertThat(backfilled).filteredOn(v -> v.getEventId().equals(ids[1])).singleElement()
                    .satisfies(v -> assertThat(v.getValues()).containsEntry("txn_count_1d", 1L));
        }
    }

    @Test
    void registrationIsIdempotentImmutableAndValidated() {
        given().when().get("/v1/feature-sets").then().statusCode(200)
                .body("name", hasItems("card-activity", "courier-load"));
        String yaml = "name: card-activity\nversion: 1\nfeatures:\n"
                + "  - {name: n, type: long, aggregation: count, window: 1h, default: 0}\n";
        asRegistrar().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/card-activity/versions/1")
                .then().statusCode(409).body("detail", org.hamcrest.Matchers.containsString("immutable"));

        Response shipped = given().when().get("/v1/feature-sets/card-activity/versions/1");
        shipped.then().statusCode(200).body("features.name", hasItems("amount", "txn_count_1h"));
        asRegistrar().contentType("application/yaml")
                .body(shipped.path("yaml").toString().getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/card-activity/versions/1").then().statusCode(200);

        asRegistrar().contentType("application/yaml")
                .body("name: other\nversion: 2\nfeatures: []\n".getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/card-activity/versions/2").then().statusCode(422)
                .body("type", equalTo("urn:brigade:problem:invalid-feature-set"))
                .body("errors.field", hasItems("features", "name"));
        asRegistrar().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/..%2F..%2Fetc/versions/1").then().statusCode(org.hamcrest.Matchers
                        .anyOf(equalTo(404), equalTo(422)));
        asRegistrar().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/Card_Activity/versions/1").then().statusCode(422)
                .body("errors.field", hasItems("name"));
    }

    @Test
    void registeringAVersionNeedsTheRegistrarRoleAndRecordsWhoDidIt() {
        // Given a new feature-set version
        int version = 100 + (int) (Math.random() * 10_000);
        String yaml = "name: card-activity\nversion: " + version + "\nsource: card-transactions\nfeatures:\n"
                + "  - {name: n, type: long, aggregation: count, window: 1h, default: 0}\n";
        String path = "/v1/feature-sets/card-activity/versions/" + version;

        // When nobody is logged in, Then 401 with a challenge and a problem body, and nothing is registered
        given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).when().put(path)
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Basic realm=\"brigade-features\""))
                .body("type", equalTo("urn:brigade:problem:unauthorized"))
                .body("instance", equalTo(path))
                .body("detail", org.hamcrest.Matchers.containsString("authenticate to register a feature-set version"));
        // And a wrong password is the same 401
        given().auth().preemptive().basic("rita", "not-her-password").contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8)).when().put(path).then().statusCode(401);
        // And an account without the role gets 403 naming the role
        given().auth().preemptive().basic("dave", "dave-local").contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8)).when().put(path)
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:forbidden"))
                .body("detail", org.hamcrest.Matchers.containsString("registrar"));
        given().when().get(path).then().statusCode(404);

        // When the registrar registers it, Then it is there, registered by her, and reads stay open
        asRegistrar().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).when().put(path)
                .then().statusCode(201).body("registeredBy", equalTo("rita"));
        given().when().get(path).then().statusCode(200).body("registeredBy", equalTo("rita"));
    }

    @Test
    void badAvroOnRawEventsEndsInTheDeadLetterTopicWithItsReasonAndNothingStalls() {
        EventCodec<RawEvent> raw = EventCodec.of(RawEvent.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String card = "card-" + UUID.randomUUID();
        byte[] good = raw.encode(rawEvent(id(), card, now.minusSeconds(60), Map.of("amount", 1.0)));
        byte[] unknownSchema = good.clone();
        unknownSchema[4] ^= 0x33;
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("BAD_MARKER", "{\"eventId\": \"json-not-avro\"}".getBytes(StandardCharsets.UTF_8));
        cases.put("TRUNCATED", new byte[] {(byte) 0xC3, 0x01, 7});
        cases.put("CORRUPT_BODY", Arrays.copyOf(good, good.length - 5));
        cases.put("UNKNOWN_SCHEMA", unknownSchema);
        cases.put("WRONG_TYPE", EventCodec.of(LabelEvent.class).encode(LabelEvent.newBuilder().setEventId("l")
                .setEntityId(card).setLabel(1.0).setLabelTime(now).build()));
        cases.put("INVALID: attributes.amount", raw.encode(rawEvent(id(), card, now.minusSeconds(50),
                Map.of("amount", Double.NaN))));
        cases.put("INVALID: eventTime", raw.encode(rawEvent(id(), card, now.plusSeconds(3600),
                Map.of("amount", 1.0))));

        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            // Given one record of each kind of bad input, each under its own key, then a good event after them
            Map<String, String> keys = new LinkedHashMap<>();
            cases.forEach((reason, bytes) -> {
                String key = card + "-" + keys.size();
                keys.put(reason, key);
                probe.send(Topics.RAW_EVENTS, key, bytes);
            });
            probe.send(Topics.RAW_EVENTS, card, good);
            // And an event later than the grace period behind that good one
            probe.send(Topics.RAW_EVENTS, card, raw.encode(rawEvent(id(), card, now.minusSeconds(3600),
                    Map.of("amount", 2.0))));

            // Then each bad record is in raw-events.dlq once, with its reason and origin
            cases.forEach((reason, bytes) -> {
                List<ConsumerRecord<String, byte[]>> dead = probe.read(Topics.dlq(Topics.RAW_EVENTS),
                        r -> keys.get(reason).equals(r.key()), 2, Duration.ofSeconds(reason.startsWith("I") ? 10 : 5));
                assertThat(dead).as(reason).hasSize(1);
                assertThat(dead.get(0).value()).as(reason).isEqualTo(bytes);
                String[] expected = reason.split(": ");
                assertThat(KafkaProbe.header(dead.get(0), "dead-letter-reason")).as(reason)
                        .startsWith(expected[0]).contains(expected.length > 1 ? expected[1] : expected[0]);
                assertThat(KafkaProbe.header(dead.get(0), "dead-letter-topic")).isEqualTo(Topics.RAW_EVENTS);
            });
            // And the late event is a dead letter of the version whose grace it missed
            assertThat(probe.read(Topics.dlq(Topics.RAW_EVENTS), r -> card.equals(r.key()), 1, WAIT))
                    .anySatisfy(r -> assertThat(KafkaProbe.header(r, "dead-letter-reason")).startsWith("LATE:"));
            // And the partition moved on: the good event got its vector
            assertThat(probe.read(Topics.FEATURE_VECTORS, r -> ofCard(r, card), 1, WAIT)).hasSize(1);
        }
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        await().atMost(WAIT).untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP")));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("brigade_features_outcomes_total"));
        given().when().get("/q/openapi").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("/v1/feature-sets/{name}/versions/{version}"))
                .body(org.hamcrest.Matchers.containsString("scheme: basic"));
    }

    @Test
    void liveVectorsAreCheckedAgainstTheDataContract() {
        // Given a feature set with a data contract, carried on the feature-sets topic to consumers such as training
        String name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        String source = "src-" + name;
        String yaml = """
                name: %s
                version: 1
                source: %s
                features:
                  - {name: amount, type: double, aggregation: attribute, attribute: amount, default: 0.0}
                  - {name: region, type: string, aggregation: attribute, attribute: region, default: eu}
                expectations:
                  freshness: 1h
                  features:
                    amount: {min: 0, max: 100, maxMissingRate: 0.5}
                    region: {categories: [eu, na]}
                """.formatted(name, source);
        asRegistrar().contentType("application/yaml")
                .body(yaml.replace("{categories: [eu, na]}", "{categories: [na]}").getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/" + name + "/versions/1").then().statusCode(422)
                .body("errors.field", hasItems("expectations.features.region.categories"));
        asRegistrar().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/feature-sets/" + name + "/versions/1").then().statusCode(201)
                .body("expectations.freshness", equalTo("1h"))
                .body("expectations.features.feature", hasItems("amount", "region"));
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            FeatureSetRegistered registered = EventCodec.of(FeatureSetRegistered.class).decode(
                    probe.read(Topics.FEATURE_SETS, r -> (name + "@1").equals(r.key()), 1, WAIT).get(0).value());
            assertThat(registered.getExpectations().getFreshnessMillis()).isEqualTo(3_600_000L);
            assertThat(registered.getExpectations().getFeatures()).anySatisfy(e -> {
                assertThat(e.getFeature()).isEqualTo("amount");
                assertThat(e.getMax()).isEqualTo(100.0);
                assertThat(e.getMaxMissingRate()).isEqualTo(0.5);
            });
        }

        // When events arrive: one inside the contract, one over the amount's range in an unknown region
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        given().contentType(ContentType.JSON).body("""
                [{"eventId": "%s", "source": "%s", "entityId": "e-1", "eventTime": "%s",
                  "attributes": {"amount": 50.0, "region": "eu"}},
                 {"eventId": "%s", "source": "%s", "entityId": "e-2", "eventTime": "%s",
                  "attributes": {"amount": 500.0, "region": "mars"}}]
                """.formatted(id(), source, now.minusSeconds(30), id(), source, now.minusSeconds(20)))
                .when().post("/v1/events").then().statusCode(202).body("accepted", equalTo(2));

        // Then the contract endpoint names each broken expectation with what was observed
        await().atMost(WAIT).untilAsserted(() -> given().when()
                .get("/v1/feature-sets/" + name + "/versions/1/contract")
                .then().statusCode(200)
                .body("broken", equalTo(true))
                .body("expectations.find { it.feature == 'amount' && it.expectation == 'range' }.recentChecked",
                        equalTo(2))
                .body("expectations.find { it.feature == 'amount' && it.expectation == 'range' }.broken",
                        equalTo(true))
                .body("expectations.find { it.feature == 'amount' && it.expectation == 'range' }.allowed",
                        equalTo("[0, 100]"))
                .body("expectations.find { it.feature == 'region' && it.expectation == 'categories' }.broken",
                        equalTo(true))
                .body("expectations.find { it.feature == 'amount' && it.expectation == 'missing' }.broken",
                        equalTo(false))
                .body("expectations.find { it.expectation == 'freshness' }.broken", equalTo(false)));
        // And the violations are metrics tagged by set, version, feature and expectation
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("brigade_features_contract_violations_total{")
                && l.contains("set=\"" + name + "\"") && l.contains("version=\"1\"")
                && l.contains("feature=\"amount\"") && l.contains("expectation=\"range\"")))
                .singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));
        assertThat(metrics).contains("brigade_features_contract_broken{expectation=\"categories\",feature=\"region\",set=\""
                + name + "\",version=\"1\"} 1.0");
        given().when().get("/v1/feature-sets/" + name + "/versions/9/contract").then().statusCode(404);
    }

    private static void postEvents(String card, List<String> ids, List<Instant> times, List<Double> amounts) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) {
            body.append(i == 0 ? "" : ",").append("""
                    {"eventId": "%s", "source": "card-transactions", "entityId": "%s", "eventTime": "%s",
                     "attributes": {"amount": %s, "merchant": "m-%d", "region": "eu", "device": "web"}}
                    """.formatted(ids.get(i), card, times.get(i), amounts.get(i), i));
        }
        given().contentType(ContentType.JSON).body(body.append("]").toString()).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(ids.size()));
    }

    private static void postLabel(String eventId, String card, int label) {
        given().contentType(ContentType.JSON)
                .body("{\"eventId\": \"%s\", \"entityId\": \"%s\", \"label\": %d}".formatted(eventId, card, label))
                .when().post("/v1/labels").then().statusCode(202);
    }

    private static boolean ofCard(ConsumerRecord<String, byte[]> record, String card) {
        try {
            return VECTORS.decode(record.value()).getEntityId().equals(card);
        } catch (RuntimeException notAVector) {
            return false;
        }
    }

    private static RawEvent rawEvent(String eventId, String card, Instant time, Map<String, Object> attributes) {
        return RawEvent.newBuilder().setEventId(eventId).setSource("card-transactions").setEntityId(card)
                .setEventTime(time).setAttributes(attributes).build();
    }

    private static String id() {
        return "evt-" + UUID.randomUUID();
    }

    /** A request by rita, the local account with the registrar role (application.properties). */
    private static RequestSpecification asRegistrar() {
        return given().auth().preemptive().basic("rita", "rita-local");
    }
}
