package dev.brigade.feature;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.service.FeatureVectorPublisher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The feature-service against a real broker: its events on the wire, its dead-letter path, its probes. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class KafkaContractTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00.250Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    FeatureVectorPublisher publisher;

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
        FeatureVector event = featureVector("evt-" + UUID.randomUUID());

        // When the service publishes it and Kafka acknowledges
        publisher.publish(event).toCompletableFuture().get(30, TimeUnit.SECONDS);

        // Then the topic holds it, and the contract's codec reads it back equal
        EventCodec<FeatureVector> codec = EventCodec.of(FeatureVector.class);
        List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.FEATURE_VECTORS,
                r -> isEncodingOf(codec, r.value(), event), 1, WAIT);
        assertThat(records).hasSize(1);
    }

    @Test
    void aCorruptRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() {
        // Given a good event, a corrupt record and another good event, in that order on one partition
        EventCodec<RawEvent> codec = EventCodec.of(RawEvent.class);
        String key = "contract-" + UUID.randomUUID();
        double consumedBefore = consumedCount();
        byte[] corrupt = Arrays.copyOf(codec.encode(rawEvent("evt-corrupt")), 14);

        // When they are sent to the service's input topic
        probe.send(Topics.RAW_EVENTS, key, codec.encode(rawEvent("evt-" + UUID.randomUUID())));
        RecordMetadata poison = probe.send(Topics.RAW_EVENTS, key, corrupt);
        probe.send(Topics.RAW_EVENTS, key, codec.encode(rawEvent("evt-" + UUID.randomUUID())));

        // Then the corrupt bytes land, unchanged, in the dead-letter topic with where they came from and why
        List<ConsumerRecord<String, byte[]>> dead = probe.read(Topics.dlq(Topics.RAW_EVENTS),
                r -> key.equals(r.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> letter = dead.get(0);
        assertThat(letter.value()).isEqualTo(corrupt);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).contains("CORRUPT_BODY");
        assertThat(KafkaProbe.header(letter, "deserialization-failure-cause")).contains("EOFException");
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.RAW_EVENTS);
        assertThat(KafkaProbe.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(poison.partition()));
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(poison.offset()));

        // And both good events were processed: the consumer did not stall on the poison record
        await().atMost(WAIT).untilAsserted(() -> assertThat(consumedCount()).isEqualTo(consumedBefore + 2));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Kafka connection health check"));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
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
                        && line.contains("topic=\"" + Topics.RAW_EVENTS + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }

    private static RawEvent rawEvent(String id) {
        return RawEvent.newBuilder().setEventId(id).setSource("contract-test").setEntityId("card-1").setEventTime(T0)
                .setAttributes(Map.of("amount", 12.5, "merchant", "m-1")).build();
    }

    private static FeatureVector featureVector(String id) {
        return FeatureVector.newBuilder().setEventId(id).setEntityId("card-1").setEventTime(T0)
                .setFeatureSet("card-activity").setFeatureSetVersion(1).setValues(Map.of("amount", 12.5))
                .setStatuses(Map.of("amount", FeatureStatus.PRESENT)).setComputedAt(T0).build();
    }
}
