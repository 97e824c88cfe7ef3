package dev.brigade.feature.streams;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.TopicNames;

/**
 * The part of the prep station that does not depend on a feature-set version, run once per service group:
 * <ul>
 * <li>the raw-events gate: the rules judged once, so every version (whenever registered) reads the same events from
 * raw-events.accepted, unchanged; what none can use (undecodable, invalid) goes to raw-events.dlq, saying why;</li>
 * <li>the label join: labels meet the feature vectors of their event id, in either order, into training examples.</li>
 * </ul>
 * raw-events is keyed by entity id and the join by event id, so they are separate sub-topologies.
 */
public final class IntakeTopology {

    public static final String JOIN_STORE = "label-join";
    static final String RAW_SOURCE = "raw-events-source";
    static final String RAW_GATE = "raw-event-gate";
    static final String RAW_ACCEPTED = "raw-events-accepted-sink";
    static final String RAW_DEAD_LETTERS = "raw-events-dlq-sink";
    static final String VECTORS_SOURCE = "feature-vectors-source";
    static final String LABELS_SOURCE = "labels-source";
    static final String JOIN = "label-join-processor";
    static final String EXAMPLES_SINK = "training-examples-sink";
    static final String LABEL_DEAD_LETTERS = "labels-dlq-sink";
    static final String VECTOR_DEAD_LETTERS = "feature-vectors-dlq-sink";

    /**
     * @param maxLabelDelay how long after its event a label may still join; later labels go to labels.dlq
     * @param sweepInterval how often pending labels and old state are checked against the wall clock
     * @param sweepSlice how long one punctuation may sweep before the next goes on from there (zero: 32 entries)
     */
    public record Settings(Duration maxLabelDelay, Duration sweepInterval, Duration sweepSlice) {

        public Settings(Duration maxLabelDelay, Duration sweepInterval) {
            this(maxLabelDelay, sweepInterval, Duration.ofMillis(5));
        }
    }

    private IntakeTopology() {
    }

    /** @param names the install's topic names (TopicNames.NONE for the contract's names) */
    public static Topology build(TopicNames names, Settings settings, Clock clock, ProcessingListener listener) {
        Topology topology = new Topology();
        topology.addSource(RAW_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                names.topic(Topics.RAW_EVENTS));
        topology.addProcessor(RAW_GATE, () -> new RawEventGateProcessor(clock, listener), RAW_SOURCE);
        topology.addSink(RAW_ACCEPTED, names.topic(Topics.RAW_EVENTS_ACCEPTED), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), RAW_GATE);
        topology.addSink(RAW_DEAD_LETTERS, names.dlq(Topics.RAW_EVENTS), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), RAW_GATE);

        topology.addSource(VECTORS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                names.topic(Topics.FEATURE_VECTORS));
        topology.addSource(LABELS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                names.topic(Topics.LABELS));
        topology.addProcessor(JOIN, () -> new LabelJoinProcessor(names, settings, clock, listener), VECTORS_SOURCE,
                LABELS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JOIN_STORE),
                Serdes.String(), Serdes.ByteArray()), JOIN); // JoinState's bytes: the sweep reads their header
        topology.addSink(EXAMPLES_SINK, names.topic(Topics.TRAINING_EXAMPLES), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), JOIN);
        topology.addSink(LABEL_DEAD_LETTERS, names.dlq(Topics.LABELS), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), JOIN);
        topology.addSink(VECTOR_DEAD_LETTERS, names.dlq(Topics.FEATURE_VECTORS), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), JOIN);
        return topology;
    }
}
