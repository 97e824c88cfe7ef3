package dev.brigade.monitor.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.service.StationMetrics;
import dev.brigade.monitor.stats.DriftSettings;
import dev.brigade.platform.kafka.TopicNames;

/**
 * The station's one Kafka Streams application:
 * <pre>
 * predictions + labels + feature-vectors (keyed by event id, co-partitioned)
 *   -> join (dedup, label join, skew)            -> &lt;topic&gt;.dlq for undecodable input
 *   -> observations, repartitioned by use case
 *   -> windows (counts, close, summarise, rules) -> alerts, drift-events
 * </pre>
 * Every store is changelogged and the app runs exactly_once_v2.
 */
public final class MonitorTopology {

    public static final String SERVED_STORE = "join-served";
    public static final String LABELS_STORE = "join-labels";
    public static final String VECTORS_STORE = "join-vectors";
    public static final String EXPIRY_STORE = "join-expiry";
    public static final String OPEN_WINDOWS_STORE = "windows-open";
    public static final String HISTORY_STORE = "windows-history";
    public static final String RULES_STORE = "alert-rules-state";
    /** The costliest realised errors per window (same keys as the history), open and closed windows alike. */
    public static final String WORST_STORE = "windows-worst";
    static final String OBSERVATIONS = "observations";

    public record Settings(Duration windowLength, Duration grace, Duration quiet, Duration idleClose, Duration tick, int history,
            Duration cooldown, DriftSettings drift, Duration skewWait, Duration pendingLabelWait, Duration sweep,
            long maxInputLag, int worstKept) {
    }

    private MonitorTopology() {
    }

    /**
     * @param inputLag records the app still has to read from its inputs; windows close only while it is at most
     *                 {@code settings.maxInputLag()}, so a stall or a backlog never closes a window early
     */
    /** @param names the install's topic names (TopicNames.NONE for the contract's names) */
    public static Topology build(TopicNames names, Settings settings, RegistryView registry, StationMetrics metrics,
            Clock clock, java.util.function.LongSupplier inputLag) {
        StreamsBuilder builder = new StreamsBuilder();
        for (String store : List.of(SERVED_STORE, LABELS_STORE, VECTORS_STORE, EXPIRY_STORE, OPEN_WINDOWS_STORE,
                HISTORY_STORE, RULES_STORE, WORST_STORE)) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                    Serdes.ByteArray()));
        }
        KStream<String, byte[]> inputs = builder.stream(
                List.of(names.topic(Topics.PREDICTIONS), names.topic(Topics.LABELS),
                        names.topic(Topics.FEATURE_VECTORS)),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("monitor-inputs"));
        KStream<String, byte[]> joined = inputs.process(
                () -> new JoinProcessor(names, settings, registry, metrics, clock), Named.as("join"), SERVED_STORE,
                LABELS_STORE, VECTORS_STORE, EXPIRY_STORE);
        // The join emits observations (for the window stage) and dead letters: split on the route header's mark.
        var routes = joined.split(Named.as("join-"))
                .branch((k, v) -> v.length > 0 && v[0] == Routes.OBSERVATION_MARK, Branched.as("observations"))
                .defaultBranch(Branched.as("out"));
        routes.get("join-out").mapValues(Routes::strip, Named.as("join-out-strip"))
                .to(Routes.extractor(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("join-sink"));
        KStream<String, byte[]> observations = routes.get("join-observations")
                .mapValues(Routes::strip, Named.as("observations-strip"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(OBSERVATIONS));
        observations.process(() -> new WindowProcessor(names, settings, registry, metrics, clock, inputLag),
                Named.as("windows"),
                OPEN_WINDOWS_STORE, HISTORY_STORE, RULES_STORE, WORST_STORE)
                .mapValues(Routes::strip, Named.as("windows-strip"))
                .to(Routes.extractor(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("windows-sink"));
        return builder.build();
    }

    /** Store key of a window: use case, zero-padded version and start, so a range scan lists them in order. */
    public static String windowKey(String useCase, int version, long start) {
        return useCase + '\0' + String.format("%010d", version) + '\0' + String.format("%020d", Math.max(0, start));
    }
}
