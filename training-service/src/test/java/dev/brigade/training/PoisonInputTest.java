package dev.brigade.training;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.brigade.events.DriftEvent;
import dev.brigade.events.PerformanceDegraded;
import dev.brigade.events.Severity;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #9: poison on training-examples (whose dead letters the examples follower owns) and NaN or infinite numbers
 * on training-examples and drift-events end in {@code <topic>.dlq} with the reason and where they came from; real
 * Avro bytes, real broker.
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
    void aCorruptOrUnknownTrainingExampleIsDeadLetteredWithWhereItCameFrom() {
        // Given corrupt bytes and a well-formed record of an unknown schema fingerprint
        String corruptKey = "corrupt-" + UUID.randomUUID();
        String unknownKey = "unknown-" + UUID.randomUUID();
        byte[] corrupt = {(byte) 0xC3, 0x01, 0x12, 0x34};
        byte[] unknown = EventCodec.of(DriftEvent.class).encode(degraded("unknown", 0.5));
        ByteBuffer.wrap(unknown, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789ABCDEFL);

        // When they are sent to training-examples
        RecordMetadata first = probe.send(Topics.TRAINING_EXAMPLES, corruptKey, corrupt);
        probe.send(Topics.TRAINING_EXAMPLES, unknownKey, unknown);

        // Then both are in training-examples.dlq: the original bytes, the reason, the cause and the source
        ConsumerRecord<String, byte[]> letter = deadLetter(Topics.TRAINING_EXAMPLES, corruptKey);
        assertThat(letter.value()).isEqualTo(corrupt);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).startsWith("undecodable training-examples record");
        assertThat(KafkaProbe.header(letter, "deserialization-failure-cause")).isNotBlank();
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.TRAINING_EXAMPLES);
        assertThat(KafkaProbe.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(first.partition()));
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(first.offset()));
        assertThat(KafkaProbe.header(deadLetter(Topics.TRAINING_EXAMPLES, unknownKey), "dead-letter-reason"))
                .contains("UNKNOWN_SCHEMA");
    }

    @Test
    void aTrainingExampleWithANaNOrInfiniteNumberIsDeadLetteredNamingTheField() {
        // Given examples that decode but carry a NaN feature or an infinite label
        EventCodec<TrainingExample> codec = EventCodec.of(TrainingExample.class);
        String nanKey = "nan-example-" + UUID.randomUUID();
        String infKey = "inf-example-" + UUID.randomUUID();

        // When they are sent to training-examples
        RecordMetadata nan = probe.send(Topics.TRAINING_EXAMPLES, nanKey,
                codec.encode(example(nanKey, Map.of("amount", Double.NaN), 1.0)));
        probe.send(Topics.TRAINING_EXAMPLES, infKey,
                codec.encode(example(infKey, Map.of("amount", 12.5), Double.POSITIVE_INFINITY)));

        // Then each is in training-examples.dlq with the field named and where it came from
        ConsumerRecord<String, byte[]> letter = deadLetter(Topics.TRAINING_EXAMPLES, nanKey);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).contains("features[amount] is NaN");
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(nan.offset()));
        assertThat(KafkaProbe.header(deadLetter(Topics.TRAINING_EXAMPLES, infKey), "dead-letter-reason"))
                .contains("label is Infinity");
    }

    @Test
    void aDriftEventWithANaNOrInfiniteNumberIsDeadLetteredNamingTheField() {
        // Given degradations whose measured value is NaN or infinite (both decode: Avro doubles carry them)
        EventCodec<DriftEvent> codec = EventCodec.of(DriftEvent.class);
        String nanKey = "nan-" + UUID.randomUUID();
        String infKey = "inf-" + UUID.randomUUID();

        // When they are sent to drift-events
        RecordMetadata nan = probe.send(Topics.DRIFT_EVENTS, nanKey, codec.encode(degraded(nanKey, Double.NaN)));
        probe.send(Topics.DRIFT_EVENTS, infKey, codec.encode(degraded(infKey, Double.NEGATIVE_INFINITY)));

        // Then each is in drift-events.dlq with the field named, and never reached the retraining policy
        ConsumerRecord<String, byte[]> letter = deadLetter(Topics.DRIFT_EVENTS, nanKey);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).contains("payload.value is NaN");
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.DRIFT_EVENTS);
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(nan.offset()));
        assertThat(KafkaProbe.header(deadLetter(Topics.DRIFT_EVENTS, infKey), "dead-letter-reason"))
                .contains("payload.value is -Infinity");
    }

    private ConsumerRecord<String, byte[]> deadLetter(String topic, String key) {
        List<ConsumerRecord<String, byte[]>> letters = probe.read(Topics.dlq(topic), r -> key.equals(r.key()), 1, WAIT);
        assertThat(letters).as("dead letter of " + key + " on " + Topics.dlq(topic)).hasSize(1);
        return letters.get(0);
    }

    private static TrainingExample example(String id, Map<String, Object> features, double label) {
        return TrainingExample.newBuilder().setEventId(id).setEntityId("card-1").setEventTime(T0)
                .setLabelTime(T0.plusSeconds(60)).setFeatureSet("card-activity").setFeatureSetVersion(1)
                .setFeatures(features).setSlices(Map.of("region", "eu")).setLabel(label).build();
    }

    private static DriftEvent degraded(String id, double value) {
        return DriftEvent.newBuilder().setEventId("drift-" + id).setUseCase("poison-case").setOccurredAt(T0)
                .setWindowStart(T0.minusSeconds(60)).setWindowEnd(T0).setSeverity(Severity.values()[0])
                .setPayload(PerformanceDegraded.newBuilder().setSampleCount(100).setMetric("auc").setValue(value)
                        .setThreshold(0.7).build())
                .build();
    }
}
