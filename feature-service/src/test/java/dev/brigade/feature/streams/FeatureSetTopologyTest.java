package dev.brigade.feature.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
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

/** Timelines through one feature-set version's topology: point-in-time correctness, order, lateness. */
class FeatureSetTopologyTest {

    private static final Instant DAY = Instant.parse("2026-11-20T10:00:00Z");
    private static final EventCodec<RawEvent> RAW = EventCodec.of(RawEvent.class);
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> rawEvents;
    private TestOutputTopic<String, byte[]> vectors;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "feature-set-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-31T00:00:00Z"));
        driver = new TopologyTestDriver(FeatureSetTopology.build(FeatureSets.cardActivity(), clock,
                ProcessingListener.NONE), props);
        rawEvents = driver.createInputTopic(Topics.RAW_EVENTS, new StringSerializer(), new ByteArraySerializer());
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
        assertThat(header(dead.get(0), DeadLetters.REASON)).startsWith("LATE:");
        assertThat(header(dead.get(0), DeadLetters.CAUSE)).contains("card-activity@1");
        assertThat(header(dead.get(0), DeadLetters.TOPIC)).isEqualTo(Topics.RAW_EVENTS);
        assertThat(header(dead.get(0), DeadLetters.OFFSET)).isEqualTo("2");

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
        rawEvents.pipeInput("card-A", "not avro".getBytes(StandardCharsets.UTF_8));

        Map<String, FeatureVector> byEvent = vectorsByEvent();
        assertThat(byEvent).containsOnlyKeys("a1", "b1", "a2");
        assertThat(byEvent.get("b1").getValues()).containsEntry("txn_count_10m", 0L);
        assertThat(byEvent.get("a2").getValues()).containsEntry("txn_count_10m", 1L);
        // Undecodable records are the intake topology's to dead-letter, once for all versions.
        assertThat(deadLetters.isEmpty()).isTrue();
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
        // And the later event was computed before the old one left: history, but nothing in its windows
        assertThat(vectorsByEvent().get("new").getStatuses()).containsEntry("amount_mean_7d",
                FeatureStatus.DEFAULTED);
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
