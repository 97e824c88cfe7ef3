package dev.brigade.feature.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.FeatureSets;
import dev.brigade.platform.kafka.DeadLetterHeaders;
import dev.brigade.platform.kafka.TopicNames;

/** Timelines through one feature-set version's topology: point-in-time correctness, order, lateness. */
class FeatureSetTopologyTest {

    private static final Instant DAY = Instant.parse("2026-11-20T10:00:00Z");
    private static final EventCodec<RawEvent> RAW = EventCodec.of(RawEvent.class);
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);
    private static final String CHANGELOG = "feature-set-topology-test-" + FeatureSetTopology.HISTORY_STORE
            + "-changelog";

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> rawEvents;
    private TestOutputTopic<String, byte[]> vectors;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        startDriver(clock -> FeatureSetTopology.build(TopicNames.NONE, FeatureSets.cardActivity(), clock,
                ProcessingListener.NONE));
    }

    private void startDriver(Function<Clock, Topology> topology) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "feature-set-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-31T00:00:00Z"));
        driver = new TopologyTestDriver(topology.apply(clock), props);
        rawEvents = driver.createInputTopic(Topics.RAW_EVENTS_ACCEPTED, new StringSerializer(),
                new ByteArraySerializer());
        vectors = driver.createOutputTopic(Topics.FEATURE_VECTORS, new StringDeserializer(),
                new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.dlq(Topics.RAW_EVENTS), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void aVectorSeesOnlyTheEntityPastNeverItsFuture() {
        // Given three transactions of one card, sent in time order
        send("e1", "card-1", minutes(0), 10.0);
        send("e2", "card-1", minutes(5), 20.0);
        send("e3", "card-1", minutes(30), 100.0);

        // Then each vector counts exactly the earlier transactions, and the first has no history at all
        Map<String, FeatureVector> byEvent = vectorsByEvent();
        assertThat(byEvent).containsOnlyKeys("e1", "e2", "e3");
        assertThat(byEvent.get("e1").getValues()).containsEntry("txn_count_1h", 0L).containsEntry("amount", 10.0);
        assertThat(byEvent.get("e1").getStatuses()).containsEntry("txn_count_1h", FeatureStatus.NO_HISTORY);
        assertThat(byEvent.get("e2").getValues()).containsEntry("txn_count_1h", 1L)
                .containsEntry("amount_sum_24h", 10.0);
        assertThat(byEvent.get("e3").getValues()).containsEntry("txn_count_1h", 2L)
                .containsEntry("amount_sum_24h", 30.0).containsEntry("amount_max_24h", 20.0);
        // No future value in a past vector: e3's amount of 100 appears nowhere before e3.
        assertThat(byEvent.get("e1").getValues().values()).doesNotContain(100.0);
        assertThat(byEvent.get("e2").getValues().values()).doesNotContain(100.0);
        assertThat(byEvent.get("e3").getSlices()).containsEntry("region", "eu").containsEntry("device", "mobile");
    }

    @Test
    void anOutOfOrderEventWithinGraceLandsInItsPlace() {
        // Given e1 at 10:00 and e3 at 10:30, then e2 at 10:25 arriving last (5 minutes behind, grace is 10)
        send("e1", "card-1", minutes(0), 10.0);
        send("e3", "card-1", minutes(30), 30.0);
        send("e2", "card-1", minutes(25), 20.0);
        // And a later event
        send("e4", "card-1", minutes(40), 40.0);

        // Then e2 is computed from e1 only, and e4 sees all three in its hour
        Map<String, FeatureVector> byEvent = vectorsByEvent();
        assertThat(byEvent.get("e2").getValues()).containsEntry("txn_count_1h", 1L)
                .containsEntry("amount_sum_24h", 10.0);
        assertThat(byEvent.get("e4").getValues()).containsEntry("txn_count_1h", 3L)
                .containsEntry("amount_sum_24h", 60.0);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void anEventLaterThanTheGracePeriodGoesToTheDeadLetterTopicAndCountsNowhere() {
        // Given e1 at 10:00 and e2 at 10:30, then an event at 10:05: 25 minutes behind, grace is 10
        send("e1", "card-1", minutes(0), 10.0);
        send("e2", "card-1", minutes(30), 20.0);
        byte[] late = send("late", "card-1", minutes(5), 999.0);
        send("e3", "card-1", minutes(35), 30.0);

        // Then the late event is a dead letter with the reason "late", its bytes untouched
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(late);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("LATE:");
        assertThat(header(dead.get(0), DeadLetterHeaders.CAUSE)).contains("card-activity@1");
        assertThat(header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(Topics.RAW_EVENTS_ACCEPTED);
        assertThat(header(dead.get(0), DeadLetterHeaders.OFFSET)).isEqualTo("2");

        // And it is in no vector and no history
        Map<String, FeatureVector> byEvent = vectorsByEvent();
        assertThat(byEvent).containsOnlyKeys("e1", "e2", "e3");
        assertThat(byEvent.get("e3").getValues()).containsEntry("txn_count_1h", 2L)
                .containsEntry("amount_max_24h", 20.0);
    }

    @Test
    void aRepeatedEventIdGivesOneVectorAndCountsOnce() {
        send("e1", "card-1", minutes(0), 10.0);
        send("e1", "card-1", minutes(0), 10.0);
        send("e2", "card-1", minutes(1), 20.0);

        List<FeatureVector> all = vectors.readValuesToList().stream().map(VECTORS::decode).toList();
        assertThat(all).extracting(FeatureVector::getEventId).containsExactly("e1", "e2");
        assertThat(all.get(1).getValues()).containsEntry("txn_count_10m", 1L);
    }

    @Test
    void entitiesAreIndependentAndOtherSourcesAreIgnored() {
        send("a1", "card-A", minutes(0), 10.0);
        send("b1", "card-B", minutes(1), 10.0);
        rawEvents.pipeInput("card-A", RAW.encode(RawEvent.newBuilder().setEventId("d1").setSource("delivery-orders")
                .setEntityId("card-A").setEventTime(DAY.plusSeconds(120)).build()));
        send("a2", "card-A", minutes(3), 10.0);

        Map<String, FeatureVector> byEvent = vectorsByEvent();
        assertThat(byEvent).containsOnlyKeys("a1", "b1", "a2");
        assertThat(byEvent.get("b1").getValues()).containsEntry("txn_count_10m", 0L);
        assertThat(byEvent.get("a2").getValues()).containsEntry("txn_count_10m", 1L);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void anUndecodableRecordOnTheAcceptedTopicIsADeadLetterAndTheVersionGoesOn() {
        // Given a record the gate would never forward (written to raw-events.accepted by something else)
        send("a1", "card-A", minutes(0), 10.0);
        byte[] junk = "{\"eventId\": \"json-not-avro\"}".getBytes(StandardCharsets.UTF_8);
        rawEvents.pipeInput("card-A", junk);
        send("a2", "card-A", minutes(3), 10.0);

        // Then it is a dead letter naming why and where it came from, and the next event has its vector
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(junk);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("BAD_MARKER:");
        assertThat(header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(Topics.RAW_EVENTS_ACCEPTED);
        assertThat(header(dead.get(0), DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(vectorsByEvent().get("a2").getValues()).containsEntry("txn_count_10m", 1L);
    }

    @Test
    void historyOlderThanTheLongestWindowPlusGraceIsDropped() {
        // Given an event, and one nine days later (longest window 7d, grace 10m)
        send("old", "card-1", minutes(0), 10.0);
        send("new", "card-1", minutes(9 * 24 * 60), 20.0);

        // Then the store keeps only what a window can still see, one record per event
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store =
                driver.getKeyValueStore(FeatureSetTopology.HISTORY_STORE);
        java.util.List<String> keys = new java.util.ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        assertThat(keys).singleElement().asString().startsWith("card-1\u0000").endsWith("\u0000new");
        // And the changelog ends the old event with a tombstone, so a store restored from it drops it too
        List<TestRecord<String, byte[]>> log = driver.createOutputTopic(CHANGELOG, new StringDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
        String oldKey = HistoryStore.key("card-1", minutes(0).toEpochMilli(), "old");
        assertThat(log).extracting(TestRecord::key).containsExactly(oldKey, keys.get(0), oldKey);
        assertThat(log.get(2).value()).isNull();
        // And the later event was computed before the old one left: history, but nothing in its windows
        assertThat(vectorsByEvent().get("new").getStatuses()).containsEntry("amount_mean_7d",
                FeatureStatus.DEFAULTED);
    }

    @Test
    void aRestartedTaskRebuildsItsHistoryFromTheChangelogAndComputesTheSameVectors() {
        // Given a timeline with an out-of-order event, processed by one instance
        send("e1", "card-1", minutes(0), 10.0);
        send("e3", "card-1", minutes(30), 30.0);
        send("e2", "card-1", minutes(25), 20.0);
        send("x1", "card-2", minutes(2), 7.0);
        Map<String, byte[]> changelog = new java.util.LinkedHashMap<>();
        TestOutputTopic<String, byte[]> log = driver.createOutputTopic(CHANGELOG, new StringDeserializer(),
                new ByteArrayDeserializer());
        log.readRecordsToList().forEach(r -> changelog.put(r.key(), r.value()));
        // And a record as stores written before only the read attributes were kept hold it (every attribute)
        String oldKey = HistoryStore.key("card-1", minutes(-5).toEpochMilli(), "e0");
        changelog.put(oldKey, legacyRecord(Map.of("amount", 5.0, "merchant", "m-e0", "region", "eu",
                "online", true, "count", 3L)));
        driver.close();

        // When a new instance restores the store from those changelog records (restoration puts the raw bytes)
        // and the timeline goes on
        startDriver();
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store =
                driver.getKeyValueStore(FeatureSetTopology.HISTORY_STORE);
        changelog.forEach(store::put);
        send("e4", "card-1", minutes(40), 40.0);
        send("x2", "card-2", minutes(3), 8.0);

        // Then its vectors are those of an instance that never stopped, the old-format record counted in full
        Map<String, FeatureVector> byEvent = vectorsByEvent();
        assertThat(byEvent.get("e4").getValues()).containsEntry("txn_count_1h", 4L)
                .containsEntry("amount_sum_24h", 65.0).containsEntry("amount_max_24h", 30.0)
                .containsEntry("merchant_distinct_24h", 4L).containsEntry("secs_since_last_txn", 600.0)
                .containsEntry("amount_mean_7d", 16.25).containsEntry("amount_to_mean_7d", 40.0 / 16.25);
        assertThat(byEvent.get("x2").getValues()).containsEntry("txn_count_10m", 1L)
                .containsEntry("amount_sum_24h", 7.0);
    }

    @Test
    void theBenchmarksInMemoryHistoryGivesTheSameVectorsAndWritesNoChangelog() {
        // Given a timeline with an out-of-order event and two cards, through the service's topology
        Map<String, byte[]> durable = vectorBytesOfATimeline();
        assertThat(driver.producedTopicNames()).contains(CHANGELOG);
        driver.close();

        // When the same timeline goes through the topology over an in-memory history without a changelog
        startDriver(clock -> FeatureSetTopology.build(TopicNames.NONE, FeatureSets.cardActivity(), clock,
                ProcessingListener.NONE,
                Stores.inMemoryKeyValueStore(FeatureSetTopology.HISTORY_STORE), false));
        Map<String, byte[]> inMemory = vectorBytesOfATimeline();

        // Then every vector is the same, byte for byte, and no changelog was written
        assertThat(inMemory).containsOnlyKeys(durable.keySet());
        durable.forEach((eventId, bytes) -> assertThat(inMemory.get(eventId)).as(eventId).isEqualTo(bytes));
        assertThat(driver.producedTopicNames()).doesNotContain(CHANGELOG);
    }

    private Map<String, byte[]> vectorBytesOfATimeline() {
        send("e1", "card-1", minutes(0), 10.0);
        send("e3", "card-1", minutes(30), 30.0);
        send("e2", "card-1", minutes(25), 20.0);
        send("x1", "card-2", minutes(2), 7.0);
        send("e4", "card-1", minutes(60 * 24 * 8), 40.0);
        Map<String, byte[]> byEvent = new java.util.LinkedHashMap<>();
        vectors.readRecordsToList().forEach(r -> byEvent.put(r.key(), r.value()));
        return byEvent;
    }

    @Test
    void aHistoryRecordOfAnUnknownFormatIsRefusedNamingTheRecordNotMisread() {
        // Given a stored record in a format this version does not know (written by a newer one)
        send("e1", "card-1", minutes(0), 10.0);
        byte[] newer = legacyRecord(Map.of("amount", 1.0));
        newer[0] = 2;
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store =
                driver.getKeyValueStore(FeatureSetTopology.HISTORY_STORE);
        store.put(HistoryStore.key("card-9", minutes(0).toEpochMilli(), "n1"), newer);

        // When the entity's history is read, Then the read fails naming the record and the format
        assertThatThrownBy(() -> HistoryStore.read(store, "card-9",
                dev.brigade.feature.HistoryLayout.of(FeatureSets.cardActivity())))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                .hasMessageContaining("n1").hasMessageContaining("format 2");
    }

    @Test
    void onlineAsOfAnEventTimeGivesExactlyItsOfflineVector() {
        // Given a random in-order timeline of a few cards within a week (nothing pruned), mixed attribute types
        java.util.Random random = new java.util.Random(11);
        List<RawEvent> sent = new java.util.ArrayList<>();
        Instant time = DAY;
        for (int i = 0; i < 300; i++) {
            time = time.plusSeconds(random.nextInt(3600));
            Map<String, Object> attributes = new HashMap<>();
            if (random.nextInt(10) > 0) {
                attributes.put("amount", random.nextInt(4) == 0 ? (Object) (long) random.nextInt(100)
                        : (Object) (random.nextInt(10_000) / 100.0));
            }
            attributes.put("merchant", random.nextInt(6) == 0 ? (Object) 5L : "m-" + random.nextInt(8));
            attributes.put("online", random.nextBoolean());
            RawEvent event = RawEvent.newBuilder().setEventId("r" + i).setSource("card-transactions")
                    .setEntityId("card-" + random.nextInt(4)).setEventTime(time).setAttributes(attributes).build();
            rawEvents.pipeInput(event.getEntityId(), RAW.encode(event));
            sent.add(event);
        }

        // When each event's features are computed online from the store as of its time, with its attributes
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store =
                driver.getKeyValueStore(FeatureSetTopology.HISTORY_STORE);
        dev.brigade.feature.FeatureSetDefinition set = FeatureSets.cardActivity();
        Map<String, FeatureVector> offline = vectorsByEvent();

        // Then they equal the offline vector, value and status, for every event
        assertThat(offline).hasSize(sent.size());
        for (RawEvent event : sent) {
            Map<String, dev.brigade.feature.FeatureValue> online = dev.brigade.feature.service.FeatureComputer
                    .compute(set, HistoryStore.read(store, event.getEntityId(),
                            dev.brigade.feature.HistoryLayout.of(set)), event.getEventTime(), event.getAttributes());
            FeatureVector vector = offline.get(event.getEventId());
            online.forEach((name, value) -> {
                assertThat(vector.getValues().get(name)).as(event.getEventId() + " " + name)
                        .isEqualTo(value.value());
                assertThat(vector.getStatuses().get(name).name()).as(event.getEventId() + " " + name)
                        .isEqualTo(value.status().name());
            });
        }
    }

    /** A format-1 history record with these attributes, written byte by byte as the format documents it. */
    private static byte[] legacyRecord(Map<String, Object> attributes) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeShort(attributes.size());
            for (Map.Entry<String, Object> a : attributes.entrySet()) {
                out.writeUTF(a.getKey());
                if (a.getValue() instanceof Boolean b) {
                    out.writeByte(1);
                    out.writeBoolean(b);
                } else if (a.getValue() instanceof Long l) {
                    out.writeByte(2);
                    out.writeLong(l);
                } else if (a.getValue() instanceof Double d) {
                    out.writeByte(3);
                    out.writeDouble(d);
                } else {
                    out.writeByte(4);
                    out.writeUTF(a.getValue().toString());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private byte[] send(String eventId, String card, Instant time, double amount) {
        byte[] bytes = RAW.encode(RawEvent.newBuilder().setEventId(eventId).setSource("card-transactions")
                .setEntityId(card).setEventTime(time)
                .setAttributes(Map.of("amount", amount, "merchant", "m-" + eventId, "region", "eu",
                        "device", "mobile"))
                .build());
        rawEvents.pipeInput(card, bytes);
        return bytes;
    }

    private Map<String, FeatureVector> vectorsByEvent() {
        Map<String, FeatureVector> byEvent = new HashMap<>();
        for (TestRecord<String, byte[]> record : vectors.readRecordsToList()) {
            FeatureVector vector = VECTORS.decode(record.value());
            assertThat(record.key()).isEqualTo(vector.getEventId());
            byEvent.put(vector.getEventId(), vector);
        }
        return byEvent;
    }

    private static Instant minutes(int minutes) {
        return DAY.plusSeconds(minutes * 60L);
    }

    static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
