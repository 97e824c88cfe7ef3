package dev.brigade.feature.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.mapping.FeatureSetParser;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.platform.kafka.TopicNames;

/**
 * Every registered feature-set version: the fold of the feature-sets topic, read from the beginning at start and
 * followed after (a platform {@link TopicReplay}). The topic is the system of record; the first record of a version
 * wins, so a version can never change, even if two instances race to register different content. A record that
 * does not decode, or whose definition does not parse, goes to feature-sets.dlq once (this catalog owns the topic's
 * dead letters) and the catalog moves on.
 */
@ApplicationScoped
public class FeatureSetCatalog {

    private static final Logger LOG = Logger.getLogger(FeatureSetCatalog.class);

    private final KafkaClients clients;
    private final TopicNames names;
    private final Map<String, RegisteredFeatureSet> byId = new ConcurrentHashMap<>();
    private final List<Consumer<RegisteredFeatureSet>> listeners = new CopyOnWriteArrayList<>();
    private volatile long appliedOffset = -1;
    private volatile TopicReplay<FeatureSetRegistered> replay;

    FeatureSetCatalog(KafkaClients clients, TopicNames names) {
        this.clients = clients;
        this.names = names;
    }

    /** Starts following the topic; returns once the versions present at start are loaded, or the timeout passed. */
    public synchronized void start(Duration timeout) {
        if (replay != null) {
            return;
        }
        replay = new TopicReplay<>(clients, "feature-service-catalog", names.topic(Topics.FEATURE_SETS),
                FeatureSetRegistered.class, this::apply).ownDeadLetters()
                .onCaughtUp(() -> LOG.infof("Feature-set catalog loaded: %d versions", byId.size())).start();
        try {
            replay.awaitCaughtUp(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies one registration; an invalid definition is refused (thrown), which dead-letters it. */
    private void apply(FeatureSetRegistered event, ConsumerRecord<String, byte[]> record) {
        try {
            FeatureSetParser.Result parsed = FeatureSetParser.parse(event.getDefinition());
            if (parsed.definition().isEmpty()) {
                throw new IllegalArgumentException("invalid feature set " + event.getName() + "@" + event.getVersion()
                        + ": " + parsed.errors().stream().map(e -> e.field() + " " + e.message())
                                .collect(Collectors.joining("; ")));
            }
            RegisteredFeatureSet set = new RegisteredFeatureSet(parsed.definition().get(), event.getDefinition(),
                    event.getDefinitionSha256(), event.getRegisteredAt(),
                    Optional.ofNullable(event.getRegisteredBy()));
            RegisteredFeatureSet first = byId.putIfAbsent(set.definition().id(), set);
            if (first == null) {
                LOG.infof("Feature set %s registered", set.definition().id());
                listeners.forEach(l -> l.accept(set));
            } else if (!first.sha256().equals(set.sha256())) {
                LOG.warnf("Ignoring a second, different registration of %s at offset %d: versions are immutable",
                        set.definition().id(), record.offset());
            }
        } finally {
            appliedOffset = record.offset();
        }
    }

    /** Called for every version, those already loaded included, in registration order. */
    public void onRegistered(Consumer<RegisteredFeatureSet> listener) {
        listeners.add(listener);
        byId.values().stream().sorted(Comparator.comparing(RegisteredFeatureSet::registeredAt))
                .forEach(listener);
    }

    public Optional<RegisteredFeatureSet> get(String name, int version) {
        return Optional.ofNullable(byId.get(FeatureSetDefinition.id(name, version)));
    }

    public Optional<RegisteredFeatureSet> latest(String name) {
        return byId.values().stream().filter(s -> s.definition().name().equals(name))
                .max(Comparator.comparingInt(s -> s.definition().version()));
    }

    public List<RegisteredFeatureSet> all() {
        List<RegisteredFeatureSet> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing((RegisteredFeatureSet s) -> s.definition().name())
                .thenComparingInt(s -> s.definition().version()));
        return all;
    }

    public boolean isCaughtUp() {
        return replay != null && replay.caughtUp();
    }

    /** Blocks until the record at this offset is applied: a registration then reads its own write. */
    public boolean awaitApplied(long offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (appliedOffset < offset && System.nanoTime() < deadline) {
            sleep(5);
        }
        return appliedOffset >= offset;
    }

    public synchronized void stop() {
        if (replay != null) {
            replay.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
