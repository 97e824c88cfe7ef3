package dev.brigade.feature.streams;

import java.time.Clock;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.brigade.events.topics.Topics;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.platform.kafka.TopicNames;

/**
 * The offline half of the prep station for one feature-set version: the raw events the intake gate accepted in, one
 * FeatureVector per event out, computed from the entity's earlier events held in a changelogged state store.
 *
 * <p>Each version runs as its own Streams application reading raw-events.accepted from the beginning, which is what
 * makes a newly registered version backfill: its vectors cover every accepted event, once, whenever it registered.
 */
public final class FeatureSetTopology {

    public static final String HISTORY_STORE = "entity-history";
    static final String SOURCE = "raw-events-accepted-source";
    static final String PROCESSOR = "feature-vector-processor";
    static final String VECTORS_SINK = "feature-vectors-sink";
    static final String DEAD_LETTER_SINK = "raw-events-dlq-sink";

    private FeatureSetTopology() {
    }

    /** @param names the install's topic names (TopicNames.NONE for the contract's names) */
    public static Topology build(TopicNames names, FeatureSetDefinition set, Clock clock,
            ProcessingListener listener) {
        return build(names, set, clock, listener, Stores.persistentKeyValueStore(HISTORY_STORE), true);
    }

    /**
     * The same topology over another history store. The service always uses the one above (RocksDB with a
     * changelog); the feature benchmark also runs an in-memory store without a changelog, to show what the durable
     * state costs over memory.
     */
    public static Topology build(TopicNames names, FeatureSetDefinition set, Clock clock,
            ProcessingListener listener, KeyValueBytesStoreSupplier history, boolean changelogged) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                names.topic(Topics.RAW_EVENTS_ACCEPTED));
        topology.addProcessor(PROCESSOR, () -> new FeatureVectorProcessor(set, clock, listener), SOURCE);
        StoreBuilder<KeyValueStore<String, byte[]>> store = Stores.keyValueStoreBuilder(history, Serdes.String(),
                Serdes.ByteArray());
        topology.addStateStore(changelogged ? store : store.withLoggingDisabled(), PROCESSOR);
        topology.addSink(VECTORS_SINK, names.topic(Topics.FEATURE_VECTORS), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, names.dlq(Topics.RAW_EVENTS), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), PROCESSOR);
        return topology;
    }
}
