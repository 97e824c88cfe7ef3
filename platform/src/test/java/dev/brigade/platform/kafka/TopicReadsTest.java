package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;

/** TopicScan, TopicReplay and DeadLetters against a real broker, with transactional writes and a poison record. */
class TopicReadsTest {

    private static final EventCodec<LabelEvent> CODEC = EventCodec.of(LabelEvent.class);
    private static KafkaClients clients;

    @BeforeAll
    static void broker() {
        clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", SharedKafkaBroker.bootstrapServers(),
                "client.id", "platform-test")));
    }

    @Test
    void aScanReadsEveryCommittedRecordOfItsRangesOnceAndEndsByPosition() throws Exception {
        // Given a topic of 3 partitions written in one transaction (its markers take offsets too), and one aborted
        String topic = newTopic(3);
        List<String> committed = write(topic, 30, true);
        writeAborted(topic, 5);

        // When the whole topic is scanned
        List<String> seen = new ArrayList<>();
        boolean complete = TopicScan.readAll(clients, "scan-test", topic, Map.of(), Duration.ofSeconds(30),
                record -> seen.add(CODEC.decode(record.value()).getEventId()));

        // Then every committed record was read once, the aborted ones not at all, and the scan knew it was done
        assertThat(complete).isTrue();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void aScanOfGivenRangesReadsJustThoseOffsetsAndReportsProgress() throws Exception {
        // Given a topic of one partition with 20 records
        String topic = newTopic(1);
        List<String> ids = write(topic, 20, false);

        // When offsets 5 to 15 are scanned
        List<Long> offsets = new ArrayList<>();
        List<Long> progress = new ArrayList<>();
        try (TopicScan scan = TopicScan.open(clients, "range-test", Map.of())) {
            TopicScan.Range whole = scan.wholeTopic(topic, Duration.ofSeconds(30)).get(0);
            assertThat(whole.size()).isEqualTo(20);
            boolean complete = scan.read(List.of(new TopicScan.Range(whole.partition(), 5, 15)), () -> false,
                    record -> offsets.add(record.offset()), progress::add);
            assertThat(complete).isTrue();
        }

        // Then exactly those ten were read, and the progress reached ten
        assertThat(offsets).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
        assertThat(progress).last().isEqualTo(10L);
        assertThat(ids).hasSize(20);
    }

    @Test
    void aReplayFoldsTheTopicSaysWhenCaughtUpAndDeadLettersAPoisonRecordOnceAcrossRestarts() throws Exception {
        // Given a topic with two events, a poison record and one event the fold refuses
        String topic = "replay-" + UUID.randomUUID();
        newTopic(topic, 1);
        newTopic(Topics.dlq(topic), 1);
        write(topic, 2, false);
        try (KafkaProducer<String, byte[]> producer = clients.producer("poison", Map.of())) {
            producer.send(new ProducerRecord<>(topic, "bad", "not avro".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(topic, "refused", CODEC.encode(label("refused")))).get();
        }

        // When it is replayed twice, as two starts of a station would
        for (int start = 0; start < 2; start++) {
            List<String> folded = new CopyOnWriteArrayList<>();
            try (TopicReplay<LabelEvent> replay = new TopicReplay<>(clients, "replay-test", topic, LabelEvent.class,
                    (event, record) -> {
                        if (event.getEventId().equals("refused")) {
                            throw new IllegalArgumentException("the view refuses it");
                        }
                        folded.add(event.getEventId());
                    }).ownDeadLetters().start()) {

                // Then it catches up with the good events folded and the two bad ones skipped
                assertThat(replay.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
                assertThat(folded).hasSize(2);
                assertThat(replay.skipped()).isEqualTo(2);
            }
        }

        // And each bad record has one dead letter with its reason and source, not one per start
        List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
        TopicScan.readAll(clients, "dlq-check", Topics.dlq(topic), Map.of(), Duration.ofSeconds(30), letters::add);
        assertThat(letters).hasSize(2);
        assertThat(letters).extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.OFFSET))
                .containsExactlyInAnyOrder("2", "3");
        assertThat(letters).allSatisfy(r -> assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.TOPIC))
                .isEqualTo(topic));
        assertThat(DeadLetterHeaders.get(letters.get(0).headers(), DeadLetterHeaders.REASON)).contains("undecodable");
        assertThat(DeadLetterHeaders.get(letters.get(1).headers(), DeadLetterHeaders.REASON)).contains("refused");
    }

    @Test
    void aReplayStartedBeforeItsTopicExistsWaitsForItAndThenFollows() throws Exception {
        // Given a replay of a topic nobody has made yet
        String topic = "late-" + UUID.randomUUID();
        List<String> folded = new CopyOnWriteArrayList<>();
        try (TopicReplay<LabelEvent> replay = TopicReplay.of(clients, "late-test", topic, LabelEvent.class,
                event -> folded.add(event.getEventId())).start()) {
            Thread.sleep(1500);
            assertThat(replay.alive()).isTrue();
            assertThat(replay.caughtUp()).isFalse();

            // When the topic is made and written to
            newTopic(topic, 2);
            List<String> ids = write(topic, 5, false);

            // Then the replay catches up and folds every event, and keeps following
            assertThat(replay.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            List<String> more = write(topic, 3, false);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (folded.size() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(folded).containsAll(ids).containsAll(more).hasSize(8);
        }
    }

    private static String newTopic(int partitions) throws Exception {
        String topic = "scan-" + UUID.randomUUID();
        newTopic(topic, partitions);
        return topic;
    }

    private static void newTopic(String topic, int partitions) throws Exception {
        try (Admin admin = clients.admin("platform-test-admin", Map.of())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void writeAborted(String topic, int n) {
        try (KafkaProducer<String, byte[]> producer = clients.producer("platform-test-aborted",
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "platform-test-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "aborted", CODEC.encode(label("aborted-" + i))));
            }
            producer.flush();
            producer.abortTransaction();
        }
    }

    /** Writes n labels, in one committed transaction or plainly. */
    private static List<String> write(String topic, int n, boolean transactional) throws Exception {
        List<String> ids = new ArrayList<>();
        Map<String, Object> tx = transactional
                ? Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "platform-test-" + UUID.randomUUID()) : Map.of();
        try (KafkaProducer<String, byte[]> producer = clients.producer("platform-test-writer", tx)) {
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                producer.send(new ProducerRecord<>(topic, id, CODEC.encode(label(id))));
            }
            if (transactional) {
                producer.commitTransaction();
            }
            producer.flush();
        }
        return ids;
    }

    private static LabelEvent label(String id) {
        return LabelEvent.newBuilder().setEventId(id).setEntityId("e").setLabel(1.0).setLabelTime(Instant.now())
                .build();
    }
}
