package dev.brigade.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #9: the feature-set catalog owns feature-sets' dead letters. Corrupt bytes, an unknown schema fingerprint and
 * a definition that does not parse end in feature-sets.dlq with the reason and where they came from; real broker.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StreamsStateResource.class)
class PoisonInputTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void poisonOnFeatureSetsEndsInItsDeadLetterTopicWithTheReason() {
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            // Given corrupt bytes, an unknown fingerprint and a registration whose definition is not a feature set
            String corruptKey = "corrupt-" + UUID.randomUUID();
            String unknownKey = "unknown-" + UUID.randomUUID();
            String invalidKey = "invalid-" + UUID.randomUUID();
            byte[] corrupt = {(byte) 0xC3, 0x01, 0x12, 0x34};
            byte[] unknown = EventCodec.of(FeatureSetRegistered.class).encode(registration("not: [a, feature set"));
            ByteBuffer.wrap(unknown, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789ABCDEFL);

            // When they are sent to feature-sets
            RecordMetadata first = probe.send(Topics.FEATURE_SETS, corruptKey, corrupt);
            probe.send(Topics.FEATURE_SETS, unknownKey, unknown);
            probe.send(Topics.FEATURE_SETS, invalidKey,
                    EventCodec.of(FeatureSetRegistered.class).encode(registration("not: [a, feature set")));

            // Then each is in feature-sets.dlq, the original bytes with the reason and where they came from
            ConsumerRecord<String, byte[]> letter = deadLetter(probe, corruptKey);
            assertThat(letter.value()).isEqualTo(corrupt);
            assertThat(KafkaProbe.header(letter, "dead-letter-reason")).startsWith("undecodable feature-sets record");
            assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.FEATURE_SETS);
            assertThat(KafkaProbe.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(first.partition()));
            assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(first.offset()));
            assertThat(KafkaProbe.header(deadLetter(probe, unknownKey), "dead-letter-reason"))
                    .contains("UNKNOWN_SCHEMA");
            // (the platform's replay words a refusal as "<topic> record refused by the <reader> view: <why>")
            assertThat(KafkaProbe.header(deadLetter(probe, invalidKey), "dead-letter-reason"))
                    .startsWith("feature-sets record refused by the feature-service-catalog view: ")
                    .contains("invalid feature set poison@1");
        }
    }

    private static ConsumerRecord<String, byte[]> deadLetter(KafkaProbe probe, String key) {
        List<ConsumerRecord<String, byte[]>> letters = probe.read(Topics.dlq(Topics.FEATURE_SETS),
                r -> key.equals(r.key()), 1, WAIT);
        assertThat(letters).as("dead letter of " + key).hasSize(1);
        return letters.get(0);
    }

    private static FeatureSetRegistered registration(String definition) {
        return FeatureSetRegistered.newBuilder().setName("poison").setVersion(1).setFeatures(List.of())
                .setDefinition(definition)
                .setDefinitionSha256("0".repeat(64)).setRegisteredAt(Instant.now()).build();
    }
}
