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
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.ScoringRequested;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.model.Scorer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Batch scoring against a real broker: ScoringRequested in, ScoreProduced and dead letters out as Avro bytes on the
 * wire; batch jobs over feature-vectors; and the same version giving the same score online and in batch.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeUpstreams.class)
class BatchScoringTest {

    static final String BATCH = "fraud-batch";
    static final String ONLINE = "fraud-online-b";
    static final long BATCH_SEED = 21;
    static final long ONLINE_SEED = 23;
    static final Duration WAIT = Duration.ofSeconds(60);
    private static boolean registered;

    private static final EventCodec<ScoringRequested> REQUESTS = EventCodec.of(ScoringRequested.class);
    private static final EventCodec<ScoreProduced> SCORES = EventCodec.of(ScoreProduced.class);
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private KafkaProbe probe;

    @BeforeEach
    void registerOnce() {
        Api.init();
        probe = new KafkaProbe(bootstrapServers);
        Upstreams.mode("ok");
        if (!registered) {
            Fixtures.Registry batch = new Fixtures.Registry(BATCH).mode("batch").register(500);
            batch.promote(ModelAlias.CHAMPION, null, batch.version(Fixtures.bytes(BATCH_SEED), ModelRole.CANDIDATE),
                    null);
            // A generous budget: the equality test needs the look-up's answer, not a degraded one, on a loaded host.
            Fixtures.Registry online = new Fixtures.Registry(ONLINE).register(5000);
            online.promote(ModelAlias.CHAMPION, null, online.version(Fixtures.bytes(ONLINE_SEED),
                    ModelRole.CANDIDATE), null);
            Api.awaitServing(BATCH, "champion", 1);
            Api.awaitServing(ONLINE, "champion", 1);
            registered = true;
        }
    }

    @AfterEach
    void close() {
        probe.close();
    }

    @Test
    void aScoringRequestIsAnsweredOnScoresAndLoggedLikeAnOnlineScore() {
        // Given the feature-service knows the card's history, and a request carries the event's amount
        String entity = "card-b-" + UUID.randomUUID();
        Map<String, Object> served = new LinkedHashMap<>();
        served.put("txn_count_10m", 3L);
        served.put("amount_sum_24h", Upstreams.status(80.0, "NO_HISTORY"));
        served.put("online", true);
        Upstreams.features(Fixtures.FEATURE_SET, entity, served);
        String eventId = "evt-" + UUID.randomUUID();
        String requestId = "req-" + UUID.randomUUID();
        Instant eventTime = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);

        // When it is published to scoring-requests
        send(request(requestId, BATCH, eventId, entity, Map.of("amount", 250.0)).setEventTime(eventTime).build());

        // Then scores holds its answer, from the online path's row in contract order
        ScoreProduced score = scores(r -> eventId.equals(r.key()), 1).get(0);
        double expected = Scorer.of(Fixtures.artifact(BATCH_SEED)).score(new double[] {250.0, 1.0, 3.0, 80.0});
        assertThat(score.getRequestId()).isEqualTo(requestId);
        assertThat(score.getJobId()).isNull();
        assertThat(score.getScore()).isCloseTo(expected, within(1e-12));
        assertThat(score.getDecision()).isEqualTo(expected >= 0.5 ? "positive" : "negative");
        assertThat(score.getModelVersion()).isEqualTo(1);
        assertThat(score.getVariant()).isEqualTo(dev.brigade.events.Variant.CHAMPION);
        assertThat(score.getEntityId()).isEqualTo(entity);
        assertThat(score.getEventTime()).isEqualTo(eventTime);
        assertThat(score.getFeatureStatuses()).containsEntry("amount_sum_24h", FeatureStatus.NO_HISTORY);
        assertThat(score.getImputed()).isEmpty();

        // And it is logged to predictions like online traffic, with the same prediction id
        EventCodec<PredictionLogged> codec = EventCodec.of(PredictionLogged.class);
        List<ConsumerRecord<String, byte[]>> logged = probe.read(Topics.PREDICTIONS, r -> eventId.equals(r.key()), 1,
                WAIT);
        assertThat(logged).hasSize(1);
        PredictionLogged prediction = decode(codec, logged.get(0).value());
        assertThat(prediction.getPredictionId()).isEqualTo(score.getPredictionId());
        assertThat(prediction.getScore()).isEqualTo(score.getScore());
    }

    @Test
    void requestsThatCannotBeScoredGoToTheDeadLetterTopicWithTheReasonAndThePartitionMovesOn() {
        // Given a poison record, a request for an unknown use case, one for a use case served online, one with an
        // attribute of the wrong type, and then a good request on the same key
        String key = "card-dlq-" + UUID.randomUUID();
        Upstreams.features(Fixtures.FEATURE_SET, key, Map.of("txn_count_10m", 1L));
        String unknown = "evt-unknown-" + UUID.randomUUID();
        String online = "evt-online-" + UUID.randomUUID();
        String badType = "evt-type-" + UUID.randomUUID();
        String good = "evt-good-" + UUID.randomUUID();
        probe.send(Topics.SCORING_REQUESTS, key, "not an avro record".getBytes());
        send(request("r-" + UUID.randomUUID(), "no-such-use-case", unknown, key, Map.of()).build());
        send(request("r-" + UUID.randomUUID(), ONLINE, online, key, Map.of()).build());
        send(request("r-" + UUID.randomUUID(), BATCH, badType, key, Map.of("amount", "lots")).build());
        send(request("r-" + UUID.randomUUID(), BATCH, good, key, Map.of("amount", 5.0)).build());

        // Then the four are dead letters with the reason in a header
        List<ConsumerRecord<String, byte[]>> dead = probe.read(Topics.dlq(Topics.SCORING_REQUESTS),
                r -> key.equals(r.key()), 4, WAIT);
        assertThat(dead).hasSize(4);
        Map<String, String> reasonByEvent = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : dead) {
            String reason = KafkaProbe.header(record, "dead-letter-reason");
            assertThat(reason).as("dead-letter-reason").isNotBlank();
            try {
                reasonByEvent.put(REQUESTS.decode(record.value()).getEventId(), reason);
            } catch (EventDecodingException e) {
                // The poison record keeps its original bytes.
                assertThat(new String(record.value())).isEqualTo("not an avro record");
                assertThat(KafkaProbe.header(record, "dead-letter-topic")).isEqualTo(Topics.SCORING_REQUESTS);
                reasonByEvent.put("poison", reason);
            }
        }
        assertThat(reasonByEvent).containsKey("poison");
        assertThat(reasonByEvent.get(unknown)).contains("unknown use case no-such-use-case");
        assertThat(reasonByEvent.get(online)).contains("served online").contains("POST /v1/score/" + ONLINE);
        assertThat(reasonByEvent.get(badType)).contains("attributes.amount").contains("a number");

        // And the good request behind them is answered
        assertThat(scores(r -> good.equals(r.key()), 1)).hasSize(1);
    }

    @Test
    void aUseCaseServedInBatchRefusesOnlineScoringWith409NamingServingMode() {
        Api.score(BATCH, Api.request("evt-" + UUID.randomUUID(), "card-1", Map.of("amount", 1.0)))
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:batch-mode"))
                .body("errors.field", hasItem("serving.mode"))
                .body("detail", containsString("scoring-requests"));
    }

    @Test
    void aBatchJobScoresTheVectorsOfItsRangeAndReportsProgressAndASummary() {
        // Given vectors of the use case's feature set in a past hour (one with a value missing, one sent twice),
        // one just outside the hour and one of another feature-set version inside it
        Instant from = pastHour();
        Instant to = from.plus(Duration.ofHours(1));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Scorer scorer = Scorer.of(Fixtures.artifact(BATCH_SEED));
        Map<String, Double> expected = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            String eventId = "evt-job-" + tag + "-" + i;
            Map<String, Object> values = values(20.0 * (i + 1), i % 2 == 0, (long) i, 100.0 + i);
            if (i == 4) {
                values.put("amount_sum_24h", null);
            }
            FeatureVector vector = vector(eventId, "card-job-" + i, from.plusSeconds(60L * i), 1, values);
            sendVector(vector);
            expected.put(eventId, scorer.score(new double[] {20.0 * (i + 1), i % 2 == 0 ? 1.0 : 0.0, i,
                    i == 4 ? Double.NaN : 100.0 + i}));
        }
        sendVector(vector("evt-job-" + tag + "-0", "card-job-0", from, 1, values(20.0, true, 0L, 100.0)));
        sendVector(vector("evt-job-" + tag + "-late", "card-job-9", to, 1, values(1.0, true, 0L, 1.0)));
        sendVector(vector("evt-job-" + tag + "-v2", "card-job-9", from.plusSeconds(5), 2, values(1.0, true, 0L, 1.0)));

        // When a deployer starts a job over that hour
        String id = given().auth().preemptive().basic("dave", "dave-local").contentType(ContentType.JSON)
                .body(Map.of("useCase", BATCH, "from", from.toString(), "to", to.toString()))
                .when().post("/v1/batch-jobs")
                .then().statusCode(202)
                .header("Location", containsString("/v1/batch-jobs/"))
                .body("status", equalTo("QUEUED"))
                .body("acceptedBy", containsString("localhost:"))
                .body("modelVersion", equalTo(1))
                .body("requestedBy", equalTo("dave"))
                .extract().path("id");

        // Then it ends with every record read, and a summary of what it produced
        JsonPath job = awaitEnd(id);
        assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(job.getDouble("progress.fraction")).isEqualTo(1.0);
        assertThat(job.getLong("progress.scanned")).isEqualTo(job.getLong("progress.total")).isPositive();
        assertThat(job.getLong("progress.matched")).isEqualTo(6);
        assertThat(job.getLong("summary.eventsScored")).isEqualTo(5);
        assertThat(job.getLong("summary.duplicates")).isEqualTo(1);
        assertThat(job.getMap("summary.byModel")).containsOnlyKeys("v1 CHAMPION");
        assertThat(job.getLong("summary.byModel.'v1 CHAMPION'")).isEqualTo(5);
        assertThat(job.getLong("summary.imputedEvents")).isEqualTo(1);
        assertThat(job.getMap("summary.failures")).isEmpty();
        Map<String, Object> decisions = job.getMap("summary.decisions");
        assertThat(decisions.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum()).isEqualTo(5.0);
        double mean = expected.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(job.getDouble("summary.scores.mean")).isCloseTo(mean, within(1e-9));
        assertThat(job.getDouble("summary.scores.max")).isCloseTo(
                expected.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), within(1e-12));

        // And scores holds one ScoreProduced per event in range, with the job id and the online path's score
        List<ScoreProduced> produced = scores(r -> r.key() != null && r.key().startsWith("evt-job-" + tag), 5);
        assertThat(produced).hasSize(5).allSatisfy(s -> {
            assertThat(s.getJobId()).isEqualTo(id);
            assertThat(s.getScore()).isCloseTo(expected.get(s.getEventId()), within(1e-12));
        });
        assertThat(produced).filteredOn(s -> s.getEventId().endsWith("-4")).singleElement()
                .satisfies(s -> assertThat(s.getImputed()).containsExactly("amount_sum_24h"));

        // And the job is listed; cancelling needs a deployer, and a job that ended cannot be cancelled
        given().when().get("/v1/batch-jobs").then().statusCode(200).body("id", hasItem(id));
        given().when().delete("/v1/batch-jobs/" + id).then().statusCode(401);
        given().auth().preemptive().basic("dave", "dave-local").when().delete("/v1/batch-jobs/" + id)
                .then().statusCode(409).body("type", equalTo("urn:brigade:problem:job-ended"));

        // And this replica, alone in the runners' group, runs the jobs of every batch-jobs partition
        assertThat(given().when().get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("brigade_serving_batch_jobs_owned_partitions 3.0");
        assertThat(job.getString("owner")).isEqualTo(job.getString("acceptedBy"));
        assertThat(job.getInt("attempt")).isEqualTo(1);

        // And a back-scoring is not production traffic: nothing of it is logged to predictions
        assertThat(probe.read(Topics.PREDICTIONS, r -> r.key() != null && r.key().startsWith("evt-job-" + tag), 1,
                Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void theSameVersionGivesTheSameScoreOnlineAndInBatch() {
        // Given an event scored online over HTTP
        String entity = "card-same-" + UUID.randomUUID();
        String eventId = "evt-same-" + UUID.randomUUID();
        Map<String, Object> served = new LinkedHashMap<>();
        served.put("txn_count_10m", 7L);
        served.put("amount_sum_24h", 512.25);
        served.put("online", false);
        Upstreams.features(Fixtures.FEATURE_SET, entity, served);
        JsonPath online = Api.score(ONLINE, Api.request(eventId, entity, Map.of("amount", 99.5)))
                .then().statusCode(200).extract().jsonPath(Api.DOUBLES);
        assertThat(online.getBoolean("degraded")).as("online answer degraded: %s", online.prettify()).isFalse();
        assertThat(online.getString("features.txn_count_10m.status")).isEqualTo("PRESENT");

        // And the same event's vector, as the feature-service computed it (the same features)
        Instant from = pastHour();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, FeatureStatus> statuses = new LinkedHashMap<>();
        for (String name : Fixtures.INPUTS) {
            values.put(name, online.get("features." + name + ".value"));
            statuses.put(name, FeatureStatus.valueOf(online.getString("features." + name + ".status")));
        }
        values.put("txn_count_10m", ((Number) values.get("txn_count_10m")).longValue());
        sendVector(FeatureVector.newBuilder().setEventId(eventId).setEntityId(entity)
                .setEventTime(from.plusSeconds(1)).setFeatureSet(Fixtures.FEATURE_SET).setFeatureSetVersion(1)
                .setValues(values).setStatuses(statuses).setComputedAt(from.plusSeconds(2)).build());

        // When a batch job scores that event's hour with the champion
        String id = given().auth().preemptive().basic("dave", "dave-local").contentType(ContentType.JSON)
                .body(Map.of("useCase", ONLINE, "from", from.toString(), "to", from.plusSeconds(3600).toString()))
                .when().post("/v1/batch-jobs").then().statusCode(202).extract().path("id");
        assertThat(awaitEnd(id).getString("status")).isEqualTo("SUCCEEDED");

        // Then the batch score is the online score, from the same version
        ScoreProduced batch = scores(r -> eventId.equals(r.key()), 1).get(0);
        assertThat(batch.getJobId()).isEqualTo(id);
        assertThat(batch.getScore()).isCloseTo(online.getDouble("score"), within(1e-9));
        assertThat(batch.getModelVersion()).isEqualTo(online.getInt("model.version"));
        assertThat(batch.getDecision()).isEqualTo(online.getString("decision"));
        assertThat(batch.getImputed()).isEmpty();
    }

    @Test
    void startingABatchJobNeedsADeployerAndAValidRequest() {
        Map<String, String> body = Map.of("useCase", BATCH, "from", "2026-11-01T00:00:00Z", "to",
                "2026-11-02T00:00:00Z");
        // Without credentials: 401 with a challenge; without the role: 403; both problem bodies
        given().contentType(ContentType.JSON).body(body).when().post("/v1/batch-jobs")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Basic"));
        given().auth().preemptive().basic("rita", "rita-local").contentType(ContentType.JSON).body(body)
                .when().post("/v1/batch-jobs")
                .then().statusCode(403).contentType("application/problem+json");
        // A deployer with a reversed range, an unknown use case, a version not loaded: each a problem naming it
        given().auth().preemptive().basic("dave", "dave-local").contentType(ContentType.JSON)
                .body(Map.of("useCase", BATCH, "from", "2026-11-02T00:00:00Z", "to", "2026-11-01T00:00:00Z"))
                .when().post("/v1/batch-jobs")
                .then().statusCode(422).body("errors.field", hasItem("to"));
        given().auth().preemptive().basic("dave", "dave-local").contentType(ContentType.JSON)
                .body(Map.of("useCase", "no-such-use-case", "from", "2026-11-01T00:00:00Z", "to",
                        "2026-11-02T00:00:00Z"))
                .when().post("/v1/batch-jobs")
                .then().statusCode(404).body("errors.field", hasItem("useCase"));
        given().auth().preemptive().basic("dave", "dave-local").contentType(ContentType.JSON)
                .body(Map.of("useCase", BATCH, "from", "2026-11-01T00:00:00Z", "to", "2026-11-02T00:00:00Z",
                        "version", 9))
                .when().post("/v1/batch-jobs")
                .then().statusCode(409).body("errors.field", hasItem("version"));
        // Reading needs nothing; an unknown job is a 404 problem
        given().when().get("/v1/batch-jobs/nope").then().statusCode(404).contentType("application/problem+json");
        given().when().get("/v1/batch-jobs").then().statusCode(200);
    }

    private static Instant pastHour() {
        // A distinct past hour per test, so jobs over the shared topic see only their own vectors.
        return Instant.now().minus(Duration.ofDays(2 + ThreadLocalRandom.current().nextInt(25)))
                .truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(ThreadLocalRandom.current().nextInt(59)))
                .plusMillis(ThreadLocalRandom.current().nextInt(60_000));
    }

    private static JsonPath awaitEnd(String id) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> !List.of("QUEUED", "RUNNING").contains(
                given().when().get("/v1/batch-jobs/" + id).then().statusCode(200).extract().path("status")));
        return given().when().get("/v1/batch-jobs/" + id).then().statusCode(200).extract().jsonPath(Api.DOUBLES);
    }

    private static Map<String, Object> values(double amount, boolean online, long count, double sum) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("amount", amount);
        values.put("online", online);
        values.put("txn_count_10m", count);
        values.put("amount_sum_24h", sum);
        return values;
    }

    private static FeatureVector vector(String eventId, String entity, Instant eventTime, int version,
            Map<String, Object> values) {
        Map<String, FeatureStatus> statuses = new LinkedHashMap<>();
        values.forEach((name, v) -> statuses.put(name, v == null ? FeatureStatus.MISSING : FeatureStatus.PRESENT));
        return FeatureVector.newBuilder().setEventId(eventId).setEntityId(entity).setEventTime(eventTime)
                .setFeatureSet(Fixtures.FEATURE_SET).setFeatureSetVersion(version).setValues(values)
                .setStatuses(statuses).setComputedAt(eventTime.plusMillis(3)).build();
    }

    private static ScoringRequested.Builder request(String requestId, String useCase, String eventId, String entity,
            Map<String, Object> attributes) {
        return ScoringRequested.newBuilder().setRequestId(requestId).setUseCase(useCase).setEventId(eventId)
                .setEntityId(entity).setAttributes(attributes).setRequestedAt(Instant.now());
    }

    private void send(ScoringRequested request) {
        probe.send(Topics.SCORING_REQUESTS, request.getEntityId(), REQUESTS.encode(request));
    }

    private void sendVector(FeatureVector vector) {
        probe.send(Topics.FEATURE_VECTORS, vector.getEventId(), VECTORS.encode(vector));
    }

    private List<ScoreProduced> scores(java.util.function.Predicate<ConsumerRecord<String, byte[]>> match,
            int count) {
        List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.SCORES, match, count, WAIT);
        assertThat(records).hasSize(count);
        return records.stream().map(r -> decode(SCORES, r.value())).toList();
    }

    private static <T extends SpecificRecord> T decode(EventCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (EventDecodingException e) {
            throw new AssertionError(e);
        }
    }
}
