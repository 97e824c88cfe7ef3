package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.Topics;

/** Two installs with different BRIGADE_TOPIC_PREFIX on one broker: each its own catalogue, records, dead letters. */
class TwoInstallsTest {

    private static final EventCodec<LabelEvent> CODEC = EventCodec.of(LabelEvent.class);
    private static KafkaClients clients;

    @BeforeAll
    static void broker() {
        clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", SharedKafkaBroker.bootstrapServers(),
                "client.id", "two-installs-test")));
    }

    @Test
    void installsWithDifferentPrefixesDoNotSeeEachOthersRecordsOrDeadLetters() throws Exception {
        // Given installs "a." and "b." (unique per run, the broker is shared) whose topic setup ran on one broker
        String run = UUID.randomUUID().toString().substring(0, 8);
        TopicNames a = new TopicNames("a-" + run + ".");
        TopicNames b = new TopicNames("b-" + run + ".");
        setUp(a);
        setUp(b);

        // And each wrote its own label to its labels topic, and install a a poison record
        send(a.topic(Topics.LABELS), "a-label", CODEC.encode(label("a-label")));
        send(b.topic(Topics.LABELS), "b-label", CODEC.encode(label("b-label")));
        send(a.topic(Topics.LABELS), "bad", "not avro".getBytes(StandardCharsets.UTF_8));

        // When each install replays its labels, owning their dead letters
        List<String> seenByA = replay(a);
        List<String> seenByB = replay(b);

        // Then each catalogue exists under its own prefix, in full
        try (Admin admin = clients.admin("two-installs-check", Map.of())) {
            Set<String> present = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(present).containsAll(a.catalogue().stream().map(t -> t.name()).toList())
                    .containsAll(b.catalogue().stream().map(t -> t.name()).toList());
            assertThat(a.catalogue()).hasSameSizeAs(TopicCatalog.all());
        }
        // And each install saw its own record only
        assertThat(seenByA).containsExactly("a-label");
        assertThat(seenByB).containsExactly("b-label");
        // And a's poison record went to a's dead letters, naming a's physical topic; b's dead letters stay empty
        List<ConsumerRecord<String, byte[]>> lettersOfA = read(a.dlq(Topics.LABELS));
        assertThat(lettersOfA).hasSize(1);
        assertThat(DeadLetterHeaders.get(lettersOfA.get(0).headers(), DeadLetterHeaders.TOPIC))
                .isEqualTo(a.topic(Topics.LABELS));
        assertThat(read(b.dlq(Topics.LABELS))).isEmpty();
    }

    private static void setUp(TopicNames names) {
        new TopicSetup().ensureTopics(null, TopicsSettings.withPrefix(Optional.empty()), names, clients, "two-installs-test");
    }

    private static List<String> replay(TopicNames names) {
        List<String> folded = new CopyOnWriteArrayList<>();
        try (TopicReplay<LabelEvent> replay = new TopicReplay<>(clients, names.group("labels-replay"),
                names.topic(Topics.LABELS), LabelEvent.class, (event, record) -> folded.add(event.getEventId()))
                .ownDeadLetters().start()) {
            assertThat(replay.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(folded);
    }

    private static List<ConsumerRecord<String, byte[]>> read(String topic) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        TopicScan.readAll(clients, "two-installs-read", topic, Map.of(), Duration.ofSeconds(30), records::add);
        return records;
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = clients.producer("two-installs-writer", Map.of())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static LabelEvent label(String id) {
        return LabelEvent.newBuilder().setEventId(id).setEntityId("e").setLabel(1.0).setLabelTime(Instant.now())
                .build();
    }

    /** The settings a station starts with by default: ensure, one replica, the catalogue's partitions. */
}
