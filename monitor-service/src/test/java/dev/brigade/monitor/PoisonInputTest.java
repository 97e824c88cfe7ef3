package dev.brigade.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
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
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.Variant;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #9: poison on the topics whose dead letters the monitor owns (alerts, training-runs) and NaN or infinite
 * numbers on predictions end in {@code <topic>.dlq} with the reason and where they came from; real Avro bytes on a
 * real broker.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class PoisonInputTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00.250Z");
    private static final Duration WAIT = Duration.ofSeconds(90);

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
    void aPredictionWithANaNOrInfiniteNumberIsDeadLetteredNamingTheField() {
        // Given predictions whose score is NaN and whose feature is infinite (both decode: Avro doubles carry them)
        EventCodec<PredictionLogged> codec = EventCodec.of(PredictionLogged.class);
        String nanKey = "nan-" + UUID.randomUUID();
        String infKey = "inf-" + UUID.randomUUID();

        // When they are sent
        RecordMetadata nan = probe.send(Topics.PREDICTIONS, nanKey,
                codec.encode(prediction(nanKey, Double.NaN, 12.5)));
        probe.send(Topics.PREDICTIONS, infKey, codec.encode(prediction(infKey, 0.25, Double.POSITIVE_INFINITY)));

        // Then each is in predictions.dlq with the field named, not folded into a window
        ConsumerRecord<String, byte[]> nanLetter = deadLetter(Topics.PREDICTIONS, nanKey);
        assertThat(KafkaProbe.header(nanLetter, "dead-letter-reason")).contains("score is NaN");
        assertThat(KafkaProbe.header(nanLetter, "dead-letter-topic")).isEqualTo(Topics.PREDICTIONS);
        assertThat(KafkaProbe.header(nanLetter, "dead-letter-offset")).isEqualTo(Long.toString(nan.offset()));
        assertThat(KafkaProbe.header(deadLetter(Topics.PREDICTIONS, infKey), "dead-letter-reason"))
                .contains("features[amount] is Infinity");
    }

    @Test
    void aCorruptOrUnknownTrainingRunIsDeadLetteredOnceByTheMonitorsReplay() {
        // Given corrupt bytes and a record of an unknown schema fingerprint on training-runs
        String corruptKey = "corrupt-" + UUID.randomUUID();
        String unknownKey = "unknown-" + UUID.randomUUID();

        // When they are sent
        RecordMetadata corrupt = probe.send(Topics.TRAINING_RUNS, corruptKey, corruptBytes());
        probe.send(Topics.TRAINING_RUNS, unknownKey, unknownFingerprint());

        // Then both are in training-runs.dlq with the reason, the cause and where they came from
        ConsumerRecord<String, byte[]> letter = deadLetter(Topics.TRAINING_RUNS, corruptKey);
        assertThat(letter.value()).isEqualTo(corruptBytes());
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).startsWith("undecodable training-runs record");
        assertThat(KafkaProbe.header(letter, "deserialization-failure-cause")).isNotBlank();
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.TRAINING_RUNS);
        assertThat(KafkaProbe.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(corrupt.partition()));
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(corrupt.offset()));
        assertThat(KafkaProbe.header(deadLetter(Topics.TRAINING_RUNS, unknownKey), "dead-letter-reason"))
                .contains("UNKNOWN_SCHEMA");
    }

    @Test
    void aCorruptAlertIsDeadLetteredAndTheActionsGoOn() {
        // Given the actions' consumer group, which starts at the end of alerts, has joined: a poison sent until one
        // comes back proves it reads
        String[] key = new String[1];
        await().atMost(WAIT).until(() -> {
            key[0] = "corrupt-" + UUID.randomUUID();
            probe.send(Topics.ALERTS, key[0], corruptBytes());
            return !probe.read(Topics.dlq(Topics.ALERTS), r -> key[0].equals(r.key()), 1, Duration.ofSeconds(5))
                    .isEmpty();
        });

        // When a record of an unknown schema fingerprint follows
        String unknownKey = "unknown-" + UUID.randomUUID();
        RecordMetadata unknown = probe.send(Topics.ALERTS, unknownKey, unknownFingerprint());

        // Then it is in alerts.dlq too, with the reason and where it came from: the consumer did not stall
        ConsumerRecord<String, byte[]> letter = deadLetter(Topics.ALERTS, unknownKey);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).startsWith("undecodable alert")
                .contains("UNKNOWN_SCHEMA");
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.ALERTS);
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(unknown.offset()));
    }

    private ConsumerRecord<String, byte[]> deadLetter(String topic, String key) {
        List<ConsumerRecord<String, byte[]>> letters = probe.read(Topics.dlq(topic), r -> key.equals(r.key()), 1, WAIT);
        assertThat(letters).as("dead letter of " + key + " on " + Topics.dlq(topic)).hasSize(1);
        return letters.get(0);
    }

    private static byte[] corruptBytes() {
        return new byte[] {(byte) 0xC3, 0x01, 0x12, 0x34};
    }

    /** A well-formed single-object encoding whose schema fingerprint no one knows. */
    private static byte[] unknownFingerprint() {
        byte[] bytes = EventCodec.of(PredictionLogged.class).encode(prediction("unknown", 0.5, 1.0));
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789ABCDEFL);
        return bytes;
    }

    private static PredictionLogged prediction(String eventId, double score, double amount) {
        return PredictionLogged.newBuilder().setPredictionId("p-" + eventId).setEventId(eventId)
                .setEntityId("card-1").setUseCase("poison-case").setModelVersion(1).setVariant(Variant.CHAMPION)
                .setFeatures(Map.of("amount", amount)).setScore(score).setLatencyMicros(900L).setServedAt(T0).build();
    }
}
