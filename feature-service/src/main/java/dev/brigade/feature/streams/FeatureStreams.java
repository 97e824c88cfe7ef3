package dev.brigade.feature.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.brigade.events.topics.Topics;
import dev.brigade.feature.BackfillProgress;
import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.HistoryLayout;
import dev.brigade.feature.config.FeatureServiceConfig;
import dev.brigade.feature.service.ContractMonitor;
import dev.brigade.feature.service.ContractTally;
import dev.brigade.feature.service.OnlineFeatureService.LookupException;
import dev.brigade.feature.service.StationApps;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaTopicsConfig;
import dev.brigade.platform.kafka.TopicNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs the prep station's Kafka Streams applications: the intake app (raw-events gate and label join) and one app
 * per feature-set version. A version's app reads raw-events.accepted from the beginning, which is its backfill; its
 * progress is tracked against the end offsets taken when it started.
 */
@ApplicationScoped
public class FeatureStreams implements StationApps {

    private static final Logger LOG = Logger.getLogger(FeatureStreams.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** One running version app. */
    public record VersionApp(FeatureSetDefinition set, String applicationId, KafkaStreams streams,
            BackfillTracker backfill, Instant startedAt) {
    }

    private final FeatureServiceConfig config;
    private final KafkaTopicsConfig topics;
    private final TopicNames names;
    private final KafkaClients clients;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ContractMonitor contracts;
    private final int httpPort;
    private final Map<String, VersionApp> versions = new ConcurrentHashMap<>();
    private final Map<String, Boolean> backfillReported = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastProgressLog = new ConcurrentHashMap<>();
    private KafkaStreams intake;
    private ScheduledExecutorService progress;
    private Admin admin;

    FeatureStreams(FeatureServiceConfig config, KafkaTopicsConfig topics, TopicNames names, KafkaClients clients,
            Clock clock, MeterRegistry registry, ContractMonitor contracts,
            @ConfigProperty(name = "quarkus.http.port") int httpPort) {
        this.config = config;
        this.topics = topics;
        this.names = names;
        this.clients = clients;
        this.clock = clock;
        this.registry = registry;
        this.contracts = contracts;
        this.httpPort = httpPort;
    }

    @Override
    public synchronized void startIntake() {
        if (intake != null) {
            return;
        }
        admin = clients.admin("feature-service-admin", Map.of());
        String applicationId = intakeApplicationId();
        Topology topology = IntakeTopology.build(names,
                new IntakeTopology.Settings(config.maxLabelDelay(), config.joinSweepInterval()), clock,
                listener(applicationId, null, null));
        intake = start(applicationId, topology);
        progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "feature-backfill-progress");
            t.setDaemon(true);
            return t;
        });
        progress.scheduleWithFixedDelay(this::pollBackfills, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void startVersion(FeatureSetDefinition set) {
        if (versions.containsKey(set.id())) {
            return;
        }
        String applicationId = names.applicationId(
                config.applicationIdPrefix() + "-" + set.name() + "-v" + set.version());
        BackfillTracker tracker = new BackfillTracker(set.id(), offsets(OffsetSpec.earliest()),
                offsets(OffsetSpec.latest()));
        ContractTally contract = contracts.register(set);
        KafkaStreams streams = start(applicationId, FeatureSetTopology.build(names, set, clock,
                listener(applicationId, tracker, contract)));
        versions.put(set.id(), new VersionApp(set, applicationId, streams, tracker, clock.instant()));
        Gauge.builder("brigade.features.backfill.progress", tracker, t -> t.progress().percent() / 100.0)
                .description("Share of the accepted raw events present at start that a version has processed")
                .tag("feature_set", set.id()).register(registry);
        LOG.infof("Feature set %s: app %s started; backfill of %d raw events", set.id(), applicationId,
                tracker.progress().total());
    }

    public Optional<VersionApp> version(String featureSetId) {
        return Optional.ofNullable(versions.get(featureSetId));
    }

    public Map<String, KafkaStreams.State> states() {
        Map<String, KafkaStreams.State> states = versions.values().stream()
                .collect(Collectors.toMap(VersionApp::applicationId, v -> v.streams().state()));
        if (intake != null) {
            states.put(intakeApplicationId(), intake.state());
        }
        return states;
    }

    public Optional<BackfillProgress> backfill(String featureSetId) {
        return version(featureSetId).map(v -> v.backfill().progress());
    }

    @Override
    public String applicationServer() {
        return config.advertisedHost() + ":" + httpPort;
    }

    @Override
    public Placement place(FeatureSetDefinition set, String entityId) {
        KeyQueryMetadata metadata = app(set).queryMetadataForKey(FeatureSetTopology.HISTORY_STORE, entityId,
                Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new LookupException(503, "feature set " + set.id() + " is rebalancing; retry");
        }
        HostInfo active = metadata.activeHost();
        return new Placement(active, metadata.partition(),
                (active.host() + ":" + active.port()).equals(applicationServer()));
    }

    /**
     * Only the partition's store is read: the whole store would be one RocksDB iterator and seek per partition for a
     * key that lives in one of them, most of a look-up's time.
     */
    @Override
    public EntityHistory history(FeatureSetDefinition set, String entityId, int partition) {
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = app(set).store(StoreQueryParameters.fromNameAndType(
                    FeatureSetTopology.HISTORY_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
                    .withPartition(partition));
            // The read itself can meet a rebalance too (the thread is PARTITIONS_ASSIGNED): the same 503, not a 500
            return HistoryStore.read(store, entityId, HistoryLayout.of(set));
        } catch (InvalidStateStoreException e) {
            throw new LookupException(503, "feature set " + set.id() + " is not queryable yet (" + e.getMessage()
                    + "); retry");
        }
    }

    private KafkaStreams app(FeatureSetDefinition set) {
        return version(set.id()).map(VersionApp::streams).orElseThrow(() -> new LookupException(503,
                "feature set " + set.id() + " is registered but its app is not running here yet; retry"));
    }

    @Override
    public synchronized void stop() {
        if (progress != null) {
            progress.shutdownNow();
        }
        KafkaStreams.CloseOptions close = new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT);
        versions.values().forEach(v -> clients.close(v.streams(), close));
        versions.clear();
        if (intake != null) {
            clients.close(intake, close);
            intake = null;
        }
        if (admin != null) {
            admin.close(CLOSE_TIMEOUT);
            admin = null;
        }
    }

    /** Streams metrics and the replacement of a failed stream thread come with the platform's factory. */
    private String intakeApplicationId() {
        return names.applicationId(config.applicationIdPrefix() + "-intake");
    }

    private KafkaStreams start(String applicationId, Topology topology) {
        KafkaStreams streams = clients.streams(applicationId, topology, Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
                StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString(),
                StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer(),
                StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) config.commitInterval().toMillis(),
                StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 8 * 1024 * 1024,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName(),
                StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest",
                // Changelog and output records compress well (repeated attribute names): less to write and restore
                StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4"));
        streams.setStateListener((next, previous) -> LOG.infof("Streams app %s: %s -> %s", applicationId,
                previous, next));
        streams.start();
        return streams;
    }

    /** @param contract the version's live contract checks; null for the intake app, which feeds label balances */
    private ProcessingListener listener(String applicationId, BackfillTracker tracker, ContractTally contract) {
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        return new ProcessingListener() {
            @Override
            public void processed(String topic, int partition, long offset) {
                if (tracker != null && names.topic(Topics.RAW_EVENTS_ACCEPTED).equals(topic)) {
                    tracker.advance(partition, offset + 1);
                }
            }

            @Override
            public void outcome(String outcome) {
                counters.computeIfAbsent(outcome, o -> Counter.builder("brigade.features.outcomes")
                        .description("What the prep station's topologies did with their input")
                        .tag("app", applicationId).tag("outcome", o).register(registry)).increment();
            }

            @Override
            public void vector(Map<String, FeatureValue> features, Instant eventTime) {
                if (contract != null) {
                    contract.vector(features, eventTime);
                }
            }

            @Override
            public void example(String featureSet, int featureSetVersion, double label) {
                contracts.example(featureSet, featureSetVersion, label);
            }
        };
    }

    /** Committed offsets step over transaction markers, which processed records never reach. */
    private void pollBackfills() {
        for (VersionApp app : versions.values()) {
            if (app.backfill().progress().done()) {
                reportDone(app);
                continue;
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets(app.applicationId()).partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                committed.forEach((tp, offset) -> {
                    if (offset != null && names.topic(Topics.RAW_EVENTS_ACCEPTED).equals(tp.topic())) {
                        app.backfill().advance(tp.partition(), offset.offset());
                    }
                });
                BackfillProgress p = app.backfill().progress();
                Instant now = clock.instant();
                Instant last = lastProgressLog.getOrDefault(app.set().id(), Instant.EPOCH);
                if (Duration.between(last, now).getSeconds() >= 5) {
                    lastProgressLog.put(app.set().id(), now);
                    LOG.infof("Backfill %s: %d / %d raw events (%.1f%%)", p.featureSet(), p.processed(), p.total(),
                            p.percent());
                }
            } catch (Exception e) {
                LOG.debugf("Backfill progress of %s not available yet: %s", app.set().id(), e.toString());
            }
        }
    }

    private void reportDone(VersionApp app) {
        if (backfillReported.putIfAbsent(app.set().id(), Boolean.TRUE) == null) {
            BackfillProgress p = app.backfill().progress();
            LOG.infof("Backfill %s done: %d raw events in %s", p.featureSet(), p.total(),
                    Duration.between(app.startedAt(), clock.instant()));
        }
    }

    private Map<Integer, Long> offsets(OffsetSpec spec) {
        try {
            String accepted = names.topic(Topics.RAW_EVENTS_ACCEPTED);
            int partitions = admin.describeTopics(List.of(accepted)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(accepted).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(accepted, p), spec);
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request).all()
                    .get(10, TimeUnit.SECONDS);
            return result.entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the raw-events.accepted offsets: " + e, e);
        }
    }
}
