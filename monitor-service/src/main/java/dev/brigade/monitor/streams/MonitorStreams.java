package dev.brigade.monitor.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.brigade.monitor.RuleState;
import dev.brigade.monitor.WindowSummary;
import dev.brigade.monitor.config.MonitorConfig;
import dev.brigade.monitor.service.OwnerUnavailable;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.service.StationMetrics;
import dev.brigade.monitor.service.UseCaseRouting;
import dev.brigade.monitor.stats.DriftSettings;
import dev.brigade.monitor.stats.WindowCounts;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaTopicsConfig;
import dev.brigade.platform.kafka.TopicNames;

/** Runs the station's Streams application and answers the dashboard's queries from its stores. */
@ApplicationScoped
public class MonitorStreams {

    private static final Logger LOG = Logger.getLogger(MonitorStreams.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

    private final MonitorConfig config;
    private final KafkaTopicsConfig topics;
    private final RegistryView registry;
    private final StationMetrics metrics;
    private final KafkaClients clients;
    private final TopicNames names;
    private final int httpPort;
    private volatile KafkaStreams streams;
    private boolean started;

    MonitorStreams(MonitorConfig config, KafkaTopicsConfig topics, RegistryView registry, StationMetrics metrics,
            KafkaClients clients, TopicNames names, @ConfigProperty(name = "quarkus.http.port") int httpPort) {
        this.names = names;
        this.httpPort = httpPort;
        this.config = config;
        this.topics = topics;
        this.registry = registry;
        this.metrics = metrics;
        this.clients = clients;
    }

    public synchronized void start() {
        if (config.cleanStateOnStart() && !started) {
            deleteRecursively(config.stateDir().toAbsolutePath());
        }
        started = true;
        MonitorTopology.Settings settings = settings(config);
        // platform's streams: metrics bound, a failed stream thread replaced (its task restarts from the last commit)
        String applicationId = names.applicationId(config.applicationId());
        KafkaStreams s = clients.streams(applicationId, MonitorTopology.build(names, settings, registry, metrics,
                Clock.systemUTC(), this::inputLag), properties());
        s.start();
        streams = s;
        LOG.infof("Monitor streams started (%s, windows of %s)", applicationId, config.window().length());
    }

    /** Stops the app; with {@code wipeLocalState} its next start restores every store from the changelogs. */
    public synchronized void stop(boolean wipeLocalState) {
        KafkaStreams s = streams;
        streams = null;
        if (s != null) {
            // leave the group (with internal.leave.group.on.close, below), so the other instances (or this one
            // restarted) get the tasks without waiting for the session timeout
            clients.close(s, new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
            if (wipeLocalState) {
                s.cleanUp();
            }
        }
    }

    /**
     * Records the app's main consumers have yet to read (sum of records-lag over its input and repartition
     * partitions, as last fetched); unknown partitions count as caught up.
     */
    public long inputLag() {
        KafkaStreams s = streams;
        if (s == null) {
            return 0;
        }
        double lag = 0;
        for (var e : s.metrics().entrySet()) {
            var name = e.getKey();
            if (!"records-lag".equals(name.name()) || !name.group().equals("consumer-fetch-manager-metrics")
                    || !name.tags().getOrDefault("client-id", "").endsWith("-consumer")
                    || name.tags().getOrDefault("client-id", "").contains("restore")) {
                continue;
            }
            Object v = e.getValue().metricValue();
            if (v instanceof Double d && Double.isFinite(d) && d > 0) {
                lag += d;
            }
        }
        return (long) lag;
    }

    /** This instance as other instances reach it: the advertised host and the HTTP port (Streams' application.server). */
    public String applicationServer() {
        return config.advertisedHost() + ":" + httpPort;
    }

    /**
     * The instance that owns the use case's windows (the key of the observations' repartition topic), or empty
     * while the app is not RUNNING (starting, rebalancing, restoring): then nobody's answer can be trusted whole.
     */
    public Optional<UseCaseRouting.Owner<HostInfo>> owner(String useCase) {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            return Optional.empty();
        }
        KeyQueryMetadata metadata = s.queryMetadataForKey(MonitorTopology.HISTORY_STORE, useCase,
                Serdes.String().serializer());
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                || HostInfo.unavailable().equals(metadata.activeHost())) {
            return Optional.empty();
        }
        HostInfo active = metadata.activeHost();
        return Optional.of(new UseCaseRouting.Owner<>(active,
                (active.host() + ":" + active.port()).equals(applicationServer())));
    }

    /**
     * Every other instance of the app (as its members advertise themselves), for reads that span instances.
     *
     * @throws OwnerUnavailable while the app is not RUNNING
     */
    public List<HostInfo> otherInstances() {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            throw new OwnerUnavailable("the windows app is " + state() + " here");
        }
        return s.metadataForAllStreamsClients().stream().map(m -> m.hostInfo())
                .filter(h -> !HostInfo.unavailable().equals(h)
                        && !(h.host() + ":" + h.port()).equals(applicationServer()))
                .distinct().toList();
    }

    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.NOT_RUNNING : s.state();
    }

    /** Closed windows of a use case (all versions, or one), oldest first, at most {@code limit} per version. */
    public List<WindowSummary> history(String useCase, Integer version, int limit) {
        List<WindowSummary> out = new ArrayList<>();
        scan(MonitorTopology.HISTORY_STORE, useCase, version, (k, v) -> {
            try {
                out.add(WindowProcessor.JSON.readValue(v, WindowSummary.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        out.sort(Comparator.comparingLong(WindowSummary::windowStart).thenComparingInt(WindowSummary::version));
        // the newest `limit` of each version: count each version's windows down, oldest first, to the later ones
        Map<Integer, Long> later = out.stream().collect(Collectors.groupingBy(WindowSummary::version,
                Collectors.counting()));
        return out.stream().filter(w -> later.merge(w.version(), -1L, Long::sum) < limit).toList();
    }

    /** The costliest realised errors of one window of a use case (all versions), window start -> per-version lists. */
    public java.util.TreeMap<Long, List<List<dev.brigade.monitor.CostlyError>>> worst(String useCase) {
        java.util.TreeMap<Long, List<List<dev.brigade.monitor.CostlyError>>> out = new java.util.TreeMap<>();
        scan(MonitorTopology.WORST_STORE, useCase, null, (k, v) -> {
            long start = Long.parseLong(k.substring(k.lastIndexOf('\0') + 1));
            out.computeIfAbsent(start, s -> new ArrayList<>()).add(WindowProcessor.readWorst(v));
        });
        return out;
    }

    /** Windows still open (counts so far), for the "now" figures on the dashboard. */
    public List<WindowCounts> open(String useCase) {
        List<WindowCounts> out = new ArrayList<>();
        scan(MonitorTopology.OPEN_WINDOWS_STORE, useCase, null, (k, v) -> out.add(WindowCounts.fromBytes(v)));
        return out;
    }

    public RuleState ruleState(String useCase, String rule, int version) {
        ReadOnlyKeyValueStore<String, byte[]> store = store(MonitorTopology.RULES_STORE);
        byte[] b = store == null ? null : store.get(useCase + '\0' + rule + '\0' + version);
        if (b == null) {
            return RuleState.INITIAL;
        }
        try {
            return WindowProcessor.JSON.readValue(b, RuleState.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The use case's entries in the store of its partition here. Only that partition is read, so a partition that
     * moved away between the routing decision and the read is a 503, not an empty answer.
     *
     * @throws OwnerUnavailable when the app is not RUNNING or the partition's store is not queryable here
     */
    private void scan(String storeName, String useCase, Integer version,
            java.util.function.BiConsumer<String, byte[]> each) {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            throw new OwnerUnavailable("the windows app is " + state() + " here");
        }
        String from = version == null ? useCase + '\0' : MonitorTopology.windowKey(useCase, version, 0);
        String to = version == null ? useCase + '\0' + '\uffff'
                : MonitorTopology.windowKey(useCase, version, Long.MAX_VALUE);
        try {
            KeyQueryMetadata metadata = s.queryMetadataForKey(storeName, useCase, Serdes.String().serializer());
            if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                throw new OwnerUnavailable("the owner of use case " + useCase + " is not known now");
            }
            ReadOnlyKeyValueStore<String, byte[]> store = s.store(StoreQueryParameters.fromNameAndType(storeName,
                    QueryableStoreTypes.<String, byte[]>keyValueStore()).withPartition(metadata.partition()));
            try (KeyValueIterator<String, byte[]> it = store.range(from, to)) {
                it.forEachRemaining(e -> each.accept(e.key, e.value));
            }
        } catch (InvalidStateStoreException e) {
            throw new OwnerUnavailable("the windows of use case " + useCase + " are not queryable here ("
                    + e.getMessage() + ")");
        }
    }

    private ReadOnlyKeyValueStore<String, byte[]> store(String name) {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            return null;
        }
        try {
            return s.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, byte[]>keyValueStore()));
        } catch (RuntimeException e) {
            LOG.debugf("Store %s not queryable yet: %s", name, e.getMessage());
            return null;
        }
    }

    private Map<String, Object> properties() {
        Path stateDir = config.stateDir().toAbsolutePath();
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Where this instance answers: every member learns which instance owns which use case (queryMetadataForKey)
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer());
        // A stopping instance leaves the group at once, so its use cases move to the others in seconds rather than
        // after its session times out (Streams keeps dynamic members in the group on close by default, and
        // CloseOptions.leaveGroup only removes static members)
        props.put(StreamsConfig.mainConsumerPrefix("internal.leave.group.on.close"), true);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) config.commitInterval().toMillis());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return props;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The topology's settings as this station's configuration gives them (a test's second instance uses the same). */
    public static MonitorTopology.Settings settings(MonitorConfig config) {
        return new MonitorTopology.Settings(config.window().length(),
                config.window().grace(), config.window().quiet(), config.window().idleClose(), config.window().tick(),
                config.window().history(), config.alerts().cooldown(),
                new DriftSettings(config.drift().alpha(), config.drift().minKsDistance(),
                        config.drift().minCramersV()),
                config.join().skewWait(), config.join().pendingLabelWait(), config.join().sweep(),
                config.window().maxInputLag(), config.window().worstKept());
    }
}
