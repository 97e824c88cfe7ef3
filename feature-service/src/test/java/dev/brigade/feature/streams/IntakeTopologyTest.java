package dev.brigade.feature.streams;

import static dev.brigade.feature.streams.FeatureSetTopologyTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.header.internals.RecordHeaders;
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
import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.DeadLetterHeaders;
import dev.brigade.platform.kafka.TopicNames;

/** The label join in both arrival orders, its dead letters, and the raw-events gate that judges events once. */
class IntakeTopologyTest {

    private static final Instant EVENT_TIME = Instant.parse("2026-11-20T10:00:00Z");
    private static final Duration MAX_DELAY = Duration.ofDays(7);
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);
    private static final EventCodec<LabelEvent> LABELS = EventCodec.of(LabelEvent.class);
    private static final EventCodec<TrainingExample> EXAMPLES = EventCodec.of(TrainingExample.class);
    private static final EventCodec<RawEvent> RAW = EventCodec.of(RawEvent.class);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:00:00Z"));
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> vectors;
    private TestInputTopic<String, byte[]> labels;
    private TestInputTopic<String, byte[]> rawEvents;
    private TestOutputTopic<String, byte[]> examples;
    private TestOutputTopic<String, byte[]> labelDeadLetters;
    private TestOutputTopic<String, byte[]> rawDeadLetters;
    private TestOutputTopic<String, byte[]> accepted;

    @BeforeEach
    void startDriver() {
        start(new IntakeTopology.Settings(MAX_DELAY, Duration.ofMinutes(1)));
    }

    private void start(IntakeTopology.Settings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "intake-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(IntakeTopology.build(TopicNames.NONE, settings, clock, ProcessingListener.NONE),
                props, clock.instant());
        vectors = driver.createInputTopic(Topics.FEATURE_VECTORS, new StringSerializer(), new ByteArraySerializer());
        labels = driver.createInputTopic(Topics.LABELS, new StringSerializer(), new ByteArraySerializer());
        rawEvents = driver.createInputTopic(Topics.RAW_EVENTS, new StringSerializer(), new ByteArraySerializer());
        examples = driver.createOutputTopic(Topics.TRAINING_EXAMPLES, new StringDeserializer(),
                new ByteArrayDeserializer());
        labelDeadLetters = driver.createOutputTopic(Topics.dlq(Topics.LABELS), new StringDeserializer(),
                new ByteArrayDeserializer());
        rawDeadLetters = driver.createOutputTopic(Topics.dlq(Topics.RAW_EVENTS), new StringDeserializer(),
                new ByteArrayDeserializer());
        accepted = driver.createOutputTopic(Topics.RAW_EVENTS_ACCEPTED, new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void aLabelAfterItsVectorBecomesOneExampleWithTheVectorsFeatures() {
        // Given the vector of e1, then its label
        FeatureVector vector = vector("e1", "card-activity", 1);
        vectors.pipeInput("e1", VECTORS.encode(vector));
        labels.pipeInput("e1", LABELS.encode(label("e1", 1.0, EVENT_TIME.plusSeconds(3600))));

        // Then one example: the vector's features and slices, the label as label, and never as a feature
        List<TrainingExample> out = examples();
        assertThat(out).hasSize(1);
        TrainingExample example = out.get(0);
        assertThat(example.getFeatures()).isEqualTo(vector.getValues());
        assertThat(example.getFeatures()).doesNotContainKey("label");
        assertThat(example.getSlices()).containsEntry("region", "eu");
        assertThat(example.getLabel()).isEqualTo(1.0);
        assertThat(example.getEventTime()).isEqualTo(EVENT_TIME);
        assertThat(example.getLabelTime()).isEqualTo(EVENT_TIME.plusSeconds(3600));
        assertThat(example.getUseCase()).isEqualTo("card-fraud");
    }

    @Test
    void aJoinStateRestoredInTheFirstFormatStillJoinsAndIsSwept() throws Exception {
        // Given e7's vector held in the join store as format 1 wrote it (a changelog from before format 2)
        JoinState old = new JoinState();
        old.putVector(vector("e7", "card-activity", 1));
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store =
                driver.getKeyValueStore(IntakeTopology.JOIN_STORE);
        store.put("e7", JoinStateTest.formatOne(old));

        // When its label comes, it joins as ever, and the state is rewritten in the current format
        labels.pipeInput("e7", LABELS.encode(label("e7", 1.0, EVENT_TIME.plusSeconds(60))));
        assertThat(examples()).extracting(TrainingExample::getEventId).containsExactly("e7");
        assertThat(store.get("e7")[0]).isEqualTo((byte) 2);

        // And once twice the maximum delay has passed since the event, the sweep removes it
        advance(MAX_DELAY.multipliedBy(2).plusDays(1));
        assertThat(store.get("e7")).isNull();
    }

    @Test
    void aLabelBeforeItsVectorWaitsAndJoinsWhenTheVectorComes() {
        labels.pipeInput("e2", LABELS.encode(label("e2", 0.0, EVENT_TIME.plusSeconds(60))));
        assertThat(examples.isEmpty()).isTrue();

        vectors.pipeInput("e2", VECTORS.encode(vector("e2", "card-activity", 1)));

        assertThat(examples()).extracting(TrainingExample::getEventId, TrainingExample::getLabel)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e2", 0.0));
    }

    @Test
    void everyFeatureSetVersionOfTheEventGetsItsExampleEvenWhenItComesLater() {
        vectors.pipeInput("e3", VECTORS.encode(vector("e3", "card-activity", 1)));
        labels.pipeInput("e3", LABELS.encode(label("e3", 1.0, EVENT_TIME.plusSeconds(60))));
        // A version registered later backfills: its vector for e3 arrives after the label
        vectors.pipeInput("e3", VECTORS.encode(vector("e3", "card-activity", 2)));

        assertThat(examples()).extracting(TrainingExample::getFeatureSetVersion).containsExactly(1, 2);
    }

    @Test
    void aDuplicateLabelYieldsNoSecondExampleAndIsKeptAsADeadLetter() {
        // Given a vector, its label, then a second label with another value
        vectors.pipeInput("e4", VECTORS.encode(vector("e4", "card-activity", 1)));
        labels.pipeInput("e4", LABELS.encode(label("e4", 1.0, EVENT_TIME.plusSeconds(60))));
        byte[] second = LABELS.encode(label("e4", 0.0, EVENT_TIME.plusSeconds(120)));
        labels.pipeInput("e4", second);

        // Then the first label wins, and the second is not lost: it is in labels.dlq saying why
        assertThat(examples()).extracting(TrainingExample::getLabel).containsExactly(1.0);
        List<TestRecord<String, byte[]>> dead = labelDeadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(second);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("DUPLICATE:").contains("first label wins");
    }

    @Test
    void aLabelForAnEventThatNeverComesIsADeadLetterAfterTheMaximumDelay() {
        // Given a label whose event never produced a vector
        labels.pipeInput("ghost", LABELS.encode(label("ghost", 1.0, EVENT_TIME)));

        // When less than the delay passes, nothing happens; when more passes, it is a dead letter with its origin
        advance(Duration.ofDays(6));
        assertThat(labelDeadLetters.isEmpty()).isTrue();
        advance(Duration.ofDays(2));
        List<TestRecord<String, byte[]>> dead = labelDeadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(LABELS.decode(dead.get(0).value()).getEventId()).isEqualTo("ghost");
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("UNKNOWN_EVENT:");
        assertThat(header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(Topics.LABELS);
        assertThat(header(dead.get(0), DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(examples.isEmpty()).isTrue();
    }

    @Test
    void theSweepGoesOnWhereItStoppedAndDeadLettersEveryPendingLabelExactlyOnce() {
        // Given labels whose events never produced a vector, and a sweep that stops every 32 entries
        driver.close();
        start(new IntakeTopology.Settings(MAX_DELAY, Duration.ofMinutes(1), Duration.ZERO));
        int pending = 300;
        for (int i = 0; i < pending; i++) {
            labels.pipeInput("ghost-" + i, LABELS.encode(label("ghost-" + i, 1.0, EVENT_TIME)));
        }

        // When the delay passes and the wall clock goes on a second at a time
        advance(Duration.ofDays(8));
        java.util.Set<String> dead = new java.util.HashSet<>();
        int duplicates = 0;
        int punctuations = 0;
        for (; punctuations < 100 && dead.size() < pending; punctuations++) {
            for (TestRecord<String, byte[]> record : labelDeadLetters.readRecordsToList()) {
                if (!dead.add(LABELS.decode(record.value()).getEventId())) {
                    duplicates++;
                }
            }
            advance(Duration.ofSeconds(1));
        }

        // Then every label is a dead letter, none twice, and none comes again; the pass took several punctuations
        advance(Duration.ofMinutes(5));
        duplicates += labelDeadLetters.readRecordsToList().size();
        assertThat(dead).hasSize(pending);
        assertThat(duplicates).isZero();
        assertThat(punctuations).isGreaterThanOrEqualTo(pending / 32);
    }

    @Test
    void aLabelLaterThanTheMaximumDelayAfterItsEventIsExpired() {
        advance(Duration.ofDays(10));
        vectors.pipeInput("e5", VECTORS.encode(vector("e5", "card-activity", 1)));
        labels.pipeInput("e5", LABELS.encode(label("e5", 1.0, EVENT_TIME.plus(Duration.ofDays(8)))));

        assertThat(examples.isEmpty()).isTrue();
        assertThat(header(labelDeadLetters.readRecord(), DeadLetterHeaders.REASON)).startsWith("EXPIRED:");
    }

    @Test
    void badLabelsAreDeadLettersNamingTheProblem() {
        labels.pipeInput("e6", LABELS.encode(label("e6", Double.NaN, EVENT_TIME)));
        labels.pipeInput("e7", "{\"eventId\": \"e7\", \"label\": 1}".getBytes(StandardCharsets.UTF_8));

        List<TestRecord<String, byte[]>> dead = labelDeadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .satisfiesExactly(r -> assertThat(r).startsWith("INVALID:").contains("finite"),
                        r -> assertThat(r).startsWith("BAD_MARKER:"));
    }

    @Test
    void theRawEventsGateDeadLettersWhatNoVersionCanUseOnceAndForwardsTheRestUnchanged() {
        // Given a good event (with a header of its producer), a corrupt one, and one with a non-finite amount
        byte[] ok = RAW.encode(raw("ok", Map.of("amount", 1.0)));
        Instant timestamp = EVENT_TIME.plusSeconds(7);
        rawEvents.pipeInput(new TestRecord<>("c", ok, new RecordHeaders().add("trace", new byte[] {1, 2}),
                timestamp));
        byte[] corrupt = Arrays.copyOf(RAW.encode(raw("cut", Map.of("amount", 1.0))), 12);
        rawEvents.pipeInput("c", corrupt);
        rawEvents.pipeInput("c", RAW.encode(raw("nan", Map.of("amount", Double.POSITIVE_INFINITY))));

        // Then exactly the two bad ones are dead letters, each with its reason
        List<TestRecord<String, byte[]>> dead = rawDeadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).value()).isEqualTo(corrupt);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("CORRUPT_BODY:");
        assertThat(header(dead.get(1), DeadLetterHeaders.REASON)).startsWith("INVALID:").contains("attributes.amount");
        // And only the good one is on raw-events.accepted: same key, bytes, timestamp and headers
        List<TestRecord<String, byte[]>> forwarded = accepted.readRecordsToList();
        assertThat(forwarded).hasSize(1);
        assertThat(forwarded.get(0).key()).isEqualTo("c");
        assertThat(forwarded.get(0).value()).isEqualTo(ok);
        assertThat(forwarded.get(0).getRecordTime()).isEqualTo(timestamp);
        assertThat(forwarded.get(0).headers().toArray()).hasSize(1);
        assertThat(forwarded.get(0).headers().lastHeader("trace").value()).containsExactly(1, 2);
    }

    @Test
    void anEventInTheFutureAtIntakeIsADeadLetterThatAVersionRegisteredLaterNeverSees() {
        // Given an event of a minute ago and one an hour ahead of the intake's clock
        Instant intakeTime = clock.instant();
        rawEvents.pipeInput("c", RAW.encode(raw("past", intakeTime.minusSeconds(60), Map.of("amount", 1.0))));
        RawEvent ahead = raw("ahead", intakeTime.plus(Duration.ofHours(1)), Map.of("amount", 2.0));
        rawEvents.pipeInput("c", RAW.encode(ahead));

        // Then the gate dead-letters the one ahead, once, and forwards only the other
        assertThat(rawDeadLetters.readRecordsToList()).singleElement()
                .satisfies(r -> assertThat(header(r, DeadLetterHeaders.REASON)).startsWith("INVALID:")
                        .contains("eventTime").contains("in the future"));
        List<TestRecord<String, byte[]>> forwarded = accepted.readRecordsToList();
        assertThat(forwarded).extracting(r -> RAW.decode(r.value()).getEventId()).containsExactly("past");

        // When a version is registered two hours later, when the rules alone would no longer reject that event
        clock.advance(Duration.ofHours(2));
        assertThat(dev.brigade.feature.RawEventRules.check(ahead.getEventId(), ahead.getSource(),
                ahead.getEntityId(), ahead.getEventTime(), ahead.getAttributes(), clock.instant())).isEmpty();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "later-version-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver version = new TopologyTestDriver(FeatureSetTopology.build(TopicNames.NONE,
                dev.brigade.feature.FeatureSets.cardActivity(), clock, ProcessingListener.NONE), props)) {
            // And it backfills from raw-events.accepted as the gate wrote it
            TestInputTopic<String, byte[]> backfill = version.createInputTopic(Topics.RAW_EVENTS_ACCEPTED,
                    new StringSerializer(), new ByteArraySerializer());
            forwarded.forEach(backfill::pipeInput);

            // Then it never sees the event the gate rejected: one vector, of the other event, and no dead letter
            assertThat(version.createOutputTopic(Topics.FEATURE_VECTORS, new StringDeserializer(),
                    new ByteArrayDeserializer()).readKeyValuesToMap()).containsOnlyKeys("past");
            assertThat(version.createOutputTopic(Topics.dlq(Topics.RAW_EVENTS), new StringDeserializer(),
                    new ByteArrayDeserializer()).isEmpty()).isTrue();
        }
    }

    private void advance(Duration duration) {
        clock.advance(duration);
        driver.advanceWallClockTime(duration);
    }

    private List<TrainingExample> examples() {
        return examples.readValuesToList().stream().map(EXAMPLES::decode).toList();
    }

    private static RawEvent raw(String id, Map<String, Object> attributes) {
        return raw(id, EVENT_TIME, attributes);
    }

    private static RawEvent raw(String id, Instant eventTime, Map<String, Object> attributes) {
        return RawEvent.newBuilder().setEventId(id).setSource("card-transactions").setEntityId("c")
                .setEventTime(eventTime).setAttributes(attributes).build();
    }

    private static FeatureVector vector(String eventId, String set, int version) {
        return FeatureVector.newBuilder().setEventId(eventId).setEntityId("card-1").setEventTime(EVENT_TIME)
                .setFeatureSet(set).setFeatureSetVersion(version)
                .setValues(Map.of("amount", 42.0, "txn_count_1h", 2L))
                .setStatuses(Map.of("amount", FeatureStatus.PRESENT, "txn_count_1h", FeatureStatus.PRESENT))
                .setSlices(Map.of("region", "eu")).setComputedAt(EVENT_TIME).build();
    }

    private static LabelEvent label(String eventId, double value, Instant labelTime) {
        return LabelEvent.newBuilder().setEventId(eventId).setEntityId("card-1").setLabel(value)
                .setLabelTime(labelTime).setUseCase("card-fraud").build();
    }
}
