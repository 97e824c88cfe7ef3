package dev.brigade.monitor;

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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.Variant;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The monitor-service against a real broker: its dead-letter path, dedup by id, and its probes. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class KafkaContractTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00.250Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

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
    void aCorruptRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() {
        // Given a good event, a corrupt record and another good event, in that order on one partition
        EventCodec<PredictionLogged> codec = EventCodec.of(PredictionLogged.class);
        String key = "contract-" + UUID.randomUUID();
        double consumedBefore = counter("brigade_events_consumed_total", Topics.PREDICTIONS);
        byte[] corrupt = Arrays.copyOf(codec.encode(predictionLogged(key, "p1")), 14);

        // When they are sent to the service's input topic (the second good one twice: a redelivery)
        probe.send(Topics.PREDICTIONS, key, codec.encode(predictionLogged(key, "p1")));
        RecordMetadata poison = probe.send(Topics.PREDICTIONS, key, corrupt);
        probe.send(Topics.PREDICTIONS, key, codec.encode(predictionLogged(key, "p2")));
        probe.send(Topics.PREDICTIONS, key, codec.encode(predictionLogged(key, "p2")));

        // Then the corrupt bytes land, unchanged, in the dead-letter topic with where they came from and why
        List<ConsumerRecord<String, byte[]>> dead = probe.read(Topics.dlq(Topics.PREDICTIONS),
                r -> key.equals(r.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> letter = dead.get(0);
        assertThat(letter.value()).isEqualTo(corrupt);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).contains("CORRUPT_BODY");
        assertThat(KafkaProbe.header(letter, "dead-letter-cause")).contains("EventDecodingException");
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.PREDICTIONS);
        assertThat(KafkaProbe.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(poison.partition()));
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(poison.offset()));

        // And both good events were processed once: the redelivered one was recognised by its prediction id
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(counter("brigade_events_consumed_total", Topics.PREDICTIONS)).isEqualTo(consumedBefore + 2);
            assertThat(counter("brigade_monitor_duplicates_total", Topics.PREDICTIONS)).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void aRepeatedLabelIsCountedOnce() {
        EventCodec<LabelEvent> codec = EventCodec.of(LabelEvent.class);
        String id = "label-" + UUID.randomUUID();
        double before = counter("brigade_events_consumed_total", Topics.LABELS);
        byte[] label = codec.encode(LabelEvent.newBuilder().setEventId(id).setEntityId("card-1").setLabel(1.0)
                .setLabelTime(T0).build());
        probe.send(Topics.LABELS, id, label);
        probe.send(Topics.LABELS, id, label);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(counter("brigade_events_consumed_total", Topics.LABELS)).isEqualTo(before + 1);
            assertThat(counter("brigade_monitor_duplicates_total", Topics.LABELS)).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        await().atMost(WAIT).untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("monitor windows")));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    /** A counter of the service's /q/metrics, as Prometheus scrapes it. */
    private double counter(String name, String topic) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && line.contains("topic=\"" + topic + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }

    private static PredictionLogged predictionLogged(String eventId, String predictionId) {
        return PredictionLogged.newBuilder().setPredictionId(predictionId + "-" + eventId).setEventId(eventId)
                .setEntityId("card-1").setUseCase("contract-case").setModelVersion(1).setVariant(Variant.CHAMPION)
                .setFeatures(Map.of("amount", 12.5)).setScore(0.25).setLatencyMicros(900L).setServedAt(T0).build();
    }
}
