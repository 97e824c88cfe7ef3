package dev.brigade.serving;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.FeatureStatus;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.model.Scorer;
import dev.brigade.serving.service.PredictionLog;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The scoring API against a real broker, with the registry's and feature-service's HTTP APIs faked. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeUpstreams.class)
class ScoringApiTest {

    static final String USE_CASE = "fraud-api";
    static final long SEED = 11;
    /** Generous, so a cold test JVM's first look-ups fit; the slow-feature test waits far longer than its share. */
    static final double BUDGET_MS = 500;
    private static boolean registered;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    PredictionLog predictionLog;

    private KafkaProbe probe;

    @BeforeEach
    void registerOnce() {
        Api.init();
        probe = new KafkaProbe(bootstrapServers);
        Upstreams.mode("ok");
        if (!registered) {
            Fixtures.Registry registry = new Fixtures.Registry(USE_CASE).register(BUDGET_MS);
            int v1 = registry.version(Fixtures.bytes(SEED), ModelRole.CANDIDATE);
            registry.promote(ModelAlias.CHAMPION, null, v1, null);
            Api.awaitServing(USE_CASE, "champion", 1);
            registered = true;
        }
    }

    @AfterEach
    void close() {
        Upstreams.mode("ok");
        probe.close();
    }

    @Test
    void scoresOnlineFeaturesMergedWithTheAttributesInContractOrder() {
        // Given the feature-service knows the card's history but not the event's own amount
        String entity = "card-merge";
        Map<String, Object> served = new LinkedHashMap<>();
        served.put("amount", Upstreams.status(null, "MISSING"));
        served.put("txn_count_10m", 3L);
        served.put("amount_sum_24h", Upstreams.status(0.0, "NO_HISTORY"));
        served.put("online", true);
        Upstreams.features(Fixtures.FEATURE_SET, entity, served);
        String eventId = "evt-" + UUID.randomUUID();

        // When the event is scored with its amount
        JsonPath answer = Api.score(USE_CASE, Api.request(eventId, entity, Map.of("amount", 250.0, "merchant", "m-1")))
                .then().statusCode(200).extract().jsonPath(Api.DOUBLES);

        // Then the row is (amount from the request, online and counts from the feature-service) in contract order
        double expected = Scorer.of(Fixtures.artifact(SEED)).score(new double[] {250.0, 1.0, 3.0, 0.0});
        assertThat(answer.getDouble("score")).isCloseTo(expected, within(1e-12));
        assertThat(answer.getString("decision")).isEqualTo(expected >= 0.5 ? "positive" : "negative");
        assertThat(answer.getInt("model.version")).isEqualTo(1);
        assertThat(answer.getString("model.variant")).isEqualTo("CHAMPION");
        assertThat(answer.getString("features.amount.status")).isEqualTo("PRESENT");
        assertThat(answer.getString("features.amount_sum_24h.status")).isEqualTo("NO_HISTORY");
        assertThat(answer.getBoolean("features.online.value")).isTrue();
        assertThat(answer.getLong("features.txn_count_10m.value")).isEqualTo(3L);
        assertThat(answer.getBoolean("degraded")).isFalse();
        assertThat(answer.getList("warnings")).isEmpty();
        assertThat(answer.getLong("latency.totalMicros")).isPositive();
        assertThat(answer.getDouble("latency.budgetMs")).isEqualTo(BUDGET_MS);
        assertThat(answer.getString("predictionId")).isNotBlank();

        // And the prediction is logged on the predictions topic as served (key event id)
        PredictionLogged logged = logged(eventId, 1).get(0);
        assertThat(logged.getPredictionId()).isEqualTo(answer.getString("predictionId"));
        assertThat(logged.getScore()).isEqualTo(answer.getDouble("score"));
        assertThat(logged.getModelVersion()).isEqualTo(1);
        assertThat(logged.getVariant()).isEqualTo(dev.brigade.events.Variant.CHAMPION);
        assertThat(logged.getFeatures()).containsEntry("amount", 250.0).containsEntry("online", true)
                .containsEntry("txn_count_10m", 3L);
        assertThat(logged.getFeatureStatuses()).containsEntry("amount_sum_24h", FeatureStatus.NO_HISTORY);
        assertThat(logged.getEntityId()).isEqualTo(entity);
    }

    @Test
    void missingInputsAreImputedFromTheTrainingStatisticsAndReported() {
        // Given the feature-service has nothing for the count, and the request gives no amount
        String entity = "card-impute";
        Upstreams.features(Fixtures.FEATURE_SET, entity, Map.of("online", false, "amount_sum_24h", 75.0,
                "txn_count_10m", Upstreams.status(null, "MISSING")));

        // When scored
        JsonPath answer = Api.score(USE_CASE, Api.request("evt-" + UUID.randomUUID(), entity, Map.of()))
                .then().statusCode(200).extract().jsonPath(Api.DOUBLES);

        // Then amount and the count are imputed with the artifact's training values, and the answer says so
        double expected = Scorer.of(Fixtures.artifact(SEED)).score(new double[] {Double.NaN, 0.0, Double.NaN, 75.0});
        assertThat(answer.getDouble("score")).isCloseTo(expected, within(1e-12));
        assertThat(answer.getString("features.amount.status")).isEqualTo("IMPUTED");
        assertThat(answer.getDouble("features.amount.value")).isEqualTo(40.0);
        assertThat(answer.getString("features.txn_count_10m.status")).isEqualTo("IMPUTED");
        assertThat(answer.getLong("features.txn_count_10m.value")).isEqualTo(1L);
        assertThat(answer.getList("warnings", String.class))
                .anySatisfy(w -> assertThat(w).contains("imputed from training statistics: amount, txn_count_10m"));
        assertThat(answer.getBoolean("degraded")).isFalse();
    }

    @Test
    void aSlowFeatureServiceCostsOnlyItsShareOfTheBudget() {
        // Given a feature-service that takes 2 s (the budget is 500 ms, the look-up's share 60%: 300 ms)
        Upstreams.mode("delay:2000");
        String eventId = "evt-" + UUID.randomUUID();

        // When an event is scored
        long start = System.nanoTime();
        JsonPath answer = Api.score(USE_CASE, Api.request(eventId, "card-slow", Map.of("amount", 12.0)))
                .then().statusCode(200).extract().jsonPath(Api.DOUBLES);
        long millis = (System.nanoTime() - start) / 1_000_000;

        // Then the answer comes without the features, well before the feature-service would have answered, flagged
        assertThat(millis).isLessThan(1500);
        assertThat(answer.getLong("latency.featuresMicros")).isBetween(290_000L, 600_000L);
        assertThat(answer.getBoolean("degraded")).isTrue();
        assertThat(answer.getList("warnings", String.class))
                .anySatisfy(w -> assertThat(w).contains("share of the latency budget"));
        assertThat(answer.getString("features.amount.status")).isEqualTo("PRESENT");
        assertThat(answer.getString("features.online.status")).isEqualTo("IMPUTED");
        double expected = Scorer.of(Fixtures.artifact(SEED))
                .score(new double[] {12.0, Double.NaN, Double.NaN, Double.NaN});
        assertThat(answer.getDouble("score")).isCloseTo(expected, within(1e-12));
        assertThat(logged(eventId, 1).get(0).getWarnings()).anySatisfy(w -> assertThat(w).contains("budget"));
    }

    @Test
    void aSlowCallWhoseLookUpsGaveUpDoesNotHoldBackTheLookUpsBehindIt() {
        // Given a look-up whose call takes 2 s: it gives up at its deadline (300 ms) and its call stays on the wire
        Upstreams.features(Fixtures.FEATURE_SET, "card-behind", Map.of("online", true, "txn_count_10m", 2L,
                "amount_sum_24h", 20.0));
        Upstreams.mode("delay:2000");
        Api.score(USE_CASE, Api.request("evt-" + UUID.randomUUID(), "card-slow-call", Map.of("amount", 1.0)))
                .then().statusCode(200).body("degraded", equalTo(true));

        // When the feature-service is fast again and more events are scored while that call is still out
        Upstreams.mode("ok");
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            // Then none waits for the slow call (each event loop has one call slot): all get their features
            Api.score(USE_CASE, Api.request("evt-" + UUID.randomUUID(), "card-behind", Map.of("amount", 1.0)))
                    .then().statusCode(200).body("degraded", equalTo(false))
                    .body("features.txn_count_10m.value", equalTo(2));
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("scored before the slow call came back")
                .isLessThan(1500);
    }

    @Test
    void lookUpsAbandonedAtTheirDeadlineDoNotHoldThePoolOnceTheFeatureServiceRecovers() throws Exception {
        // Given a burst of concurrent look-ups that all pass their deadline (each is left to finish on its connection)
        String entity = "card-after-burst";
        Upstreams.features(Fixtures.FEATURE_SET, entity, Map.of("online", true, "txn_count_10m", 1L,
                "amount_sum_24h", 10.0));
        Upstreams.mode("delay:1500");
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<Integer>> burst = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                burst.add(CompletableFuture.supplyAsync(() -> Api.score(USE_CASE,
                        Api.request("evt-" + UUID.randomUUID(), entity, Map.of("amount", 3.0))).statusCode(), callers));
            }
            for (CompletableFuture<Integer> answer : burst) {
                assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            callers.shutdown();
        }

        // When the feature-service is fast again
        Upstreams.mode("ok");

        // Then look-ups are answered again: the late answers came back and freed their connections
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.score(
                USE_CASE, Api.request("evt-" + UUID.randomUUID(), entity, Map.of("amount", 3.0)))
                .then().statusCode(200).body("degraded", equalTo(false)));
    }

    @Test
    void concurrentLookUpsAreCoalescedIntoBatchCallsAndEachAnswerGetsItsOwnEntitysFeatures() throws Exception {
        // Given 24 cards, each with its own count, and a feature-service that takes 100 ms a call (share: 300 ms)
        int cards = 24;
        for (int i = 0; i < cards; i++) {
            Upstreams.features(Fixtures.FEATURE_SET, "card-co-" + i, Map.of("online", i % 2 == 0,
                    "txn_count_10m", (long) i, "amount_sum_24h", 10.0 * i));
        }
        Upstreams.mode("delay:100");
        long lookupsBefore = Upstreams.lookups();
        long batchesBefore = Upstreams.batches();

        // When all are scored at once
        ExecutorService callers = Executors.newFixedThreadPool(cards);
        List<CompletableFuture<JsonPath>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < cards; i++) {
                String entity = "card-co-" + i;
                answers.add(CompletableFuture.supplyAsync(() -> Api.score(USE_CASE, Api.request(
                        "evt-" + UUID.randomUUID(), entity, Map.of("amount", 7.0))).then().statusCode(200).extract()
                        .jsonPath(Api.DOUBLES), callers));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdown();
        }

        // Then every answer carries its own card's features and score, none degraded
        Scorer scorer = Scorer.of(Fixtures.artifact(SEED));
        for (int i = 0; i < cards; i++) {
            JsonPath answer = answers.get(i).get();
            assertThat(answer.getString("entityId")).isEqualTo("card-co-" + i);
            assertThat(answer.getBoolean("degraded")).as("card-co-%d degraded: %s", i, answer.getList("warnings"))
                    .isFalse();
            assertThat(answer.getLong("features.txn_count_10m.value")).isEqualTo(i);
            assertThat(answer.getDouble("score")).isCloseTo(
                    scorer.score(new double[] {7.0, i % 2 == 0 ? 1.0 : 0.0, i, 10.0 * i}), within(1e-12));
        }
        // And the look-ups went out in fewer calls than look-ups (one call on the wire per event loop); a slow call
        // of an earlier test may still land meanwhile, hence at least
        long lookups = Upstreams.lookups() - lookupsBefore;
        long batches = Upstreams.batches() - batchesBefore;
        assertThat(lookups).isGreaterThanOrEqualTo(cards);
        assertThat(batches).isBetween(1L, cards - 1L);
    }

    @Test
    void anAbsentFeatureServiceDegradesTheAnswerInsteadOfFailingIt() {
        // Given a feature-service that answers 503
        Upstreams.mode("down");

        // When scored, Then 200 with imputed inputs and the flag
        Api.score(USE_CASE, Api.request("evt-" + UUID.randomUUID(), "card-down", Map.of("amount", 5.0)))
                .then().statusCode(200)
                .body("degraded", equalTo(true))
                .body("features.online.status", equalTo("IMPUTED"))
                .body("warnings", hasItem(containsString("feature-service unavailable")));
    }

    @Test
    void aFeatureStatusTheContractDoesNotNameIsTreatedAsMissingAndThePredictionIsLogged() {
        // Given a feature-service (a newer one) that gives a status the contract has no symbol for
        String entity = "card-odd-status";
        String eventId = "evt-" + UUID.randomUUID();
        Upstreams.features(Fixtures.FEATURE_SET, entity, Map.of("online", Upstreams.status(true, "GUESSED")));
        double before = droppedUnencodable();

        // When the event is scored
        var answer = Api.score(USE_CASE, Api.request(eventId, entity, Map.of("amount", 5.0))).then();

        // Then the feature is not taken on a status the model never saw: it is imputed, and the answer says so
        answer.statusCode(200).body("features.online.status", equalTo("IMPUTED"))
                .body("warnings", hasItem(containsString("imputed from training statistics: online")));
        // And the prediction is logged with the contract's statuses, not dropped as unencodable
        PredictionLogged logged = logged(eventId, 1).get(0);
        assertThat(logged.getFeatureStatuses()).containsEntry("online", FeatureStatus.IMPUTED);
        assertThat(droppedUnencodable()).isEqualTo(before);
    }

    @Test
    void aPredictionTheContractCannotCarryIsDroppedCountedAndTheLogGoesOn() {
        // Given a prediction with a status the contract has no symbol for (the FeatureClient edge maps those away;
        // this is the log's last guard)
        double before = droppedUnencodable();
        Prediction odd = new Prediction("p-odd", "evt-odd-" + UUID.randomUUID(), "card-odd", USE_CASE, 1,
                Variant.CHAMPION, Map.of("online", new ScoreAnswer.ServedFeature(true, "GUESSED")), 0.5, null, 100L,
                50L, Instant.now(), List.of());
        String next = "evt-" + UUID.randomUUID();

        // When it is logged, and a request is scored after it
        predictionLog.log(odd);
        Api.score(USE_CASE, Api.request(next, "card-after-odd", Map.of("amount", 5.0))).then().statusCode(200);

        // Then it is counted under its reason, and the next prediction still reaches the topic
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(droppedUnencodable()).isEqualTo(before + 1));
        assertThat(logged(next, 1)).hasSize(1);
    }

    private static double droppedUnencodable() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(
                        "brigade_serving_prediction_log_dropped_total{reason=\"unencodable\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aBatchIsAnsweredInOrder() {
        Upstreams.features(Fixtures.FEATURE_SET, "*", Map.of("online", true, "txn_count_10m", 0L,
                "amount_sum_24h", 10.0));
        List<Map<String, Object>> batch = List.of(
                Api.request("evt-b1-" + UUID.randomUUID(), "card-b1", Map.of("amount", 1.0)),
                Api.request("evt-b2-" + UUID.randomUUID(), "card-b2", Map.of("amount", 900.0)),
                Api.request("evt-b3-" + UUID.randomUUID(), "card-b3", Map.of()));
        JsonPath answer = given().contentType(ContentType.JSON).body(batch).when()
                .post("/v1/score/" + USE_CASE + "/batch").then().statusCode(200).extract().jsonPath(Api.DOUBLES);
        Scorer scorer = Scorer.of(Fixtures.artifact(SEED));
        assertThat(answer.getList("results.entityId")).containsExactly("card-b1", "card-b2", "card-b3");
        assertThat(answer.getDouble("results[1].score"))
                .isCloseTo(scorer.score(new double[] {900.0, 1.0, 0.0, 10.0}), within(1e-12));
        assertThat(answer.getString("results[2].features.amount.status")).isEqualTo("IMPUTED");
    }

    static Stream<Arguments> badInputs() {
        String ok = "\"eventId\":\"e-1\",\"entityId\":\"card-1\"";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"eventId\":", 400, "body"),
                Arguments.of("not an object", "[1,2]", 422, "body"),
                Arguments.of("empty body", "", 400, "body"),
                Arguments.of("missing eventId", "{\"entityId\":\"card-1\"}", 422, "eventId"),
                Arguments.of("missing entityId", "{\"eventId\":\"e-1\"}", 422, "entityId"),
                Arguments.of("entityId with a path trick", "{\"eventId\":\"e-1\",\"entityId\":\"../x\"}", 422,
                        "entityId"),
                Arguments.of("eventId not a string", "{\"eventId\":7,\"entityId\":\"card-1\"}", 422, "eventId"),
                Arguments.of("unknown field", "{" + ok + ",\"atributes\":{}}", 422, "atributes"),
                Arguments.of("attributes not an object", "{" + ok + ",\"attributes\":[1]}", 422, "attributes"),
                Arguments.of("attribute that is an object", "{" + ok + ",\"attributes\":{\"x\":{}}}", 422,
                        "attributes.x"),
                Arguments.of("number input given a string", "{" + ok + ",\"attributes\":{\"amount\":\"12\"}}", 422,
                        "attributes.amount"),
                Arguments.of("boolean input given a number", "{" + ok + ",\"attributes\":{\"online\":1}}", 422,
                        "attributes.online"),
                Arguments.of("whole-number input given a fraction",
                        "{" + ok + ",\"attributes\":{\"txn_count_10m\":1.5}}", 422, "attributes.txn_count_10m"),
                Arguments.of("NaN is not JSON", "{" + ok + ",\"attributes\":{\"amount\":NaN}}", 400, "body"),
                Arguments.of("body above the limit", "{" + ok + ",\"attributes\":{\"s\":\"" + "x".repeat(70_000)
                        + "\"}}", 413, "body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsA4xxProblemNamingTheField(String name, String body, int status, String field) {
        given().contentType(ContentType.JSON).body(body).when().post("/v1/score/" + USE_CASE)
                .then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("errors.field", hasItem(field));
    }

    @Test
    void anUnknownUseCaseIs404AndABadNameIs400() {
        Api.score("no-such-case", Api.request("e-1", "card-1", Map.of())).then().statusCode(404)
                .contentType("application/problem+json").body("errors.field", hasItem("useCase"));
        Api.score("Bad_Name", Api.request("e-1", "card-1", Map.of())).then().statusCode(400)
                .body("errors.field", hasItem("useCase"));
    }

    @Test
    void theBenchmarksNoopBaselineIsOffUnlessABenchmarkTurnsItOn() {
        // Given the service as deployed (brigade.serving.requests.noop-endpoint defaults to false)
        // When a scoring body is posted to the benchmark's baseline
        // Then it is a 404 problem, as any unknown path, that says why
        Api.noop(Api.request("e-1", "card-1", Map.of())).then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("urn:brigade:problem:not-found"))
                .body("detail", containsString("noop-endpoint=false"));
    }

    @Test
    void aBatchWithABadItemNamesItsIndex() {
        List<Object> batch = List.of(Api.request("e-1", "card-1", Map.of()),
                Map.of("eventId", "e-2", "entityId", "card-2", "attributes", Map.of("amount", "much")));
        given().contentType(ContentType.JSON).body(batch).when().post("/v1/score/" + USE_CASE + "/batch")
                .then().statusCode(422).body("errors.field", hasItem("[1].attributes.amount"));
    }

    @Test
    void metricsCountRequestsLatencyCpuAndErrorsPerUseCaseVersionAndVariant() {
        Api.score(USE_CASE, Api.request("evt-" + UUID.randomUUID(), "card-metrics", Map.of())).then().statusCode(200);
        Api.score(USE_CASE, Map.of("eventId", "e")).then().statusCode(422);
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        String tags = "use_case=\"" + USE_CASE + "\",variant=\"CHAMPION\",version=\"1\"";
        assertThat(metrics).contains("brigade_serving_requests_total{" + tags + "}")
                .contains("brigade_serving_latency_seconds_bucket{" + tags)
                .contains("brigade_serving_cpu_seconds_count{" + tags + "}")
                .contains("brigade_serving_errors_total{kind=\"invalid-request\",use_case=\"" + USE_CASE + "\"}");
    }

    private List<PredictionLogged> logged(String eventId, int count) {
        EventCodec<PredictionLogged> codec = EventCodec.of(PredictionLogged.class);
        List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.PREDICTIONS, r -> eventId.equals(r.key()),
                count, Duration.ofSeconds(30));
        assertThat(records).hasSize(count);
        return records.stream().map(r -> {
            try {
                return codec.decode(r.value());
            } catch (EventDecodingException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
