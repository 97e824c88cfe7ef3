package dev.brigade.training;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.RunProgress;
import dev.brigade.events.TrainingReason;
import dev.brigade.events.TrainingRequested;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.service.TrainingRunPublisher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The training-service against a real broker: its events on the wire, its dead-letter path, its probes. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class KafkaContractTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00.250Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    TrainingRunPublisher publisher;

    @TestHTTPResource("/v1/use-cases/card-fraud/trainings")
    URI trainings;

    private KafkaProbe probe;

    @BeforeEach
    void openProbe() {
        probe = new KafkaProbe(bootstrapServers);
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    @Test
    void publishesItsEventsInTheContractEncoding() throws Exception {
        // Given an event of the kind this service produces
        TrainingRunEvent event = trainingRunEvent("evt-" + UUID.randomUUID());

        // When the service publishes it and Kafka acknowledges
        publisher.publish(event).toCompletableFuture().get(30, TimeUnit.SECONDS);

        // Then the topic holds it, and the contract's codec reads it back equal
        EventCodec<TrainingRunEvent> codec = EventCodec.of(TrainingRunEvent.class);
        List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.TRAINING_RUNS,
                r -> isEncodingOf(codec, r.value(), event), 1, WAIT);
        assertThat(records).hasSize(1);
        // keyed by run id, so a run's events stay in order on one partition
        assertThat(records.get(0).key()).isEqualTo(event.getRunId());
    }

    @Test
    void aCorruptRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() {
        // Given a good event, a corrupt record and another good event, in that order on one partition
        EventCodec<TrainingRequested> codec = EventCodec.of(TrainingRequested.class);
        String key = "contract-" + UUID.randomUUID();
        double consumedBefore = consumedCount();
        byte[] corrupt = Arrays.copyOf(codec.encode(trainingRequested("evt-corrupt")), 14);

        // When they are sent to the service's input topic
        probe.send(Topics.TRAINING_REQUESTS, key, codec.encode(trainingRequested("evt-" + UUID.randomUUID())));
        RecordMetadata poison = probe.send(Topics.TRAINING_REQUESTS, key, corrupt);
        probe.send(Topics.TRAINING_REQUESTS, key, codec.encode(trainingRequested("evt-" + UUID.randomUUID())));

        // Then the corrupt bytes land, unchanged, in the dead-letter topic with where they came from and why
        List<ConsumerRecord<String, byte[]>> dead = probe.read(Topics.dlq(Topics.TRAINING_REQUESTS),
                r -> key.equals(r.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> letter = dead.get(0);
        assertThat(letter.value()).isEqualTo(corrupt);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).contains("CORRUPT_BODY");
        assertThat(KafkaProbe.header(letter, "deserialization-failure-cause")).contains("EOFException");
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.TRAINING_REQUESTS);
        assertThat(KafkaProbe.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(poison.partition()));
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(poison.offset()));

        // And both good events were processed: the consumer did not stall on the poison record
        await().atMost(WAIT).untilAsserted(() -> assertThat(consumedCount()).isEqualTo(consumedBefore + 2));
    }

    @Test
    void aRecordNearTheBrokerLimitIsDeadLetteredWithoutCopiesAndTheChannelStaysUp() {
        // Given a corrupt record of almost 1 MB (a producer's default limit), then a good event, on one partition
        EventCodec<TrainingRequested> codec = EventCodec.of(TrainingRequested.class);
        String key = "huge-" + UUID.randomUUID();
        byte[] huge = new byte[1_000_000];
        Arrays.fill(huge, (byte) 0x5A);
        double consumedBefore = consumedCount();

        // When both are sent to the service's input topic
        probe.send(Topics.TRAINING_REQUESTS, key, huge);
        probe.send(Topics.TRAINING_REQUESTS, key, codec.encode(trainingRequested("evt-" + UUID.randomUUID())));

        // Then it is dead-lettered with its reason, cut to a size the broker takes (SmallRye's copies of the bytes
        // in headers would make it 3 MB), with the original size and hash to recognise it
        List<ConsumerRecord<String, byte[]>> dead = probe.read(Topics.dlq(Topics.TRAINING_REQUESTS),
                r -> key.equals(r.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> letter = dead.get(0);
        assertThat(letter.value()).isEqualTo(Arrays.copyOf(huge, 256 * 1024));
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).contains("BAD_MARKER");
        assertThat(KafkaProbe.header(letter, "dead-letter-original-size")).isEqualTo("1000000");
        assertThat(KafkaProbe.header(letter, "dead-letter-original-sha256")).hasSize(64);

        // And the good event after it was processed, with the channel still healthy
        await().atMost(WAIT).untilAsserted(() -> assertThat(consumedCount()).isEqualTo(consumedBefore + 1));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aRequestFromAnAbortedTransactionIsNeverActedOn() throws Exception {
        // Given a transactional producer (as the monitor is for drift-events) that aborts one request and commits one
        EventCodec<TrainingRequested> codec = EventCodec.of(TrainingRequested.class);
        double consumedBefore = consumedCount();
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "contract-test-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, "aborted",
                    codec.encode(trainingRequested("evt-aborted-" + UUID.randomUUID())))).get(30, TimeUnit.SECONDS);
            producer.abortTransaction();

            // When the next request commits
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, "committed",
                    codec.encode(trainingRequested("evt-" + UUID.randomUUID())))).get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
        }

        // Then only the committed one is consumed (read_committed), the aborted one never
        await().atMost(WAIT).untilAsserted(
                () -> assertThat(consumedCount()).isGreaterThanOrEqualTo(consumedBefore + 1));
        Thread.sleep(3000);
        assertThat(consumedCount()).isEqualTo(consumedBefore + 1);
    }

    @Test
    void hostileRequestsAnswerProblemBodiesThatNameTheProblem() throws Exception {
        // Malformed and deeply nested JSON: a 400 problem, not an empty body
        given().auth().preemptive().basic("rita", "rita-local").contentType("application/json")
                .body("{\"hyperparameterOverrides\": ")
                .when().post("/v1/use-cases/card-fraud/trainings")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:malformed-json"));
        // (sent with the JDK client: RestAssured's request log would pretty-print 10,000 levels)
        HttpResponse<String> nested = HttpClient.newHttpClient().send(HttpRequest.newBuilder(trainings)
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "rita:rita-local".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("[".repeat(10_000) + "]".repeat(10_000))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(nested.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        // A path that matches nothing: a 404 problem, not an HTML page
        given().when().get("/v1/runs/a/..%2F..%2Fetc").then().statusCode(404)
                .contentType("application/problem+json").body("title", equalTo("Not Found"))
                .body("type", equalTo("urn:brigade:problem:not-found"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Kafka connection health check"));
        given().when().get("/q/metrics").then().statusCode(200);
        // The API description is served and says which operation needs an account: the training request, not the
        // run records
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/use-cases/{name}/trainings'.post.security[0]", hasKey("basic"))
                .body("paths.'/v1/runs'.get.security", nullValue());
    }

    /** Other tests leave corrupt records on shared topics: those are simply not the event looked for. */
    private static <T extends SpecificRecord> boolean isEncodingOf(EventCodec<T> codec, byte[] bytes, T event) {
        try {
            return codec.decode(bytes).equals(event);
        } catch (EventDecodingException notThisEvent) {
            return false;
        }
    }

    /** The service's own count of processed input events, read from /q/metrics as Prometheus scrapes it. */
    private double consumedCount() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("brigade_events_consumed_total{")
                        && line.contains("topic=\"" + Topics.TRAINING_REQUESTS + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }

    private static TrainingRequested trainingRequested(String id) {
        return TrainingRequested.newBuilder().setRequestId(id).setUseCase("card-fraud")
                .setReason(TrainingReason.MANUAL).setRequestedAt(T0).build();
    }

    private static TrainingRunEvent trainingRunEvent(String id) {
        return TrainingRunEvent.newBuilder().setEventId(id).setRunId("run-" + id).setUseCase("card-fraud")
                .setOccurredAt(T0).setPayload(new RunProgress(1, 10, 0.52, 0.61)).build();
    }
}
