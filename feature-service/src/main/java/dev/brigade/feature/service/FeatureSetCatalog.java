package dev.brigade.feature.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.mapping.FeatureSetParser;

/**
 * Every registered feature-set version: the fold of the feature-sets topic, read from the beginning at start and
 * followed after. The topic is the system of record; the first record of a version wins, so a version can never
 * change, even if two instances race to register different content. A record that does not decode, or whose
 * definition does not parse, goes to feature-sets.dlq once (this catalog owns the topic's dead letters; offsets
 * already there are skipped after a restart) and the catalog moves on.
 */
@ApplicationScoped
public class FeatureSetCatalog {

    private static final Logger LOG = Logger.getLogger(FeatureSetCatalog.class);
    private static final EventCodec<FeatureSetRegistered> CODEC = EventCodec.of(FeatureSetRegistered.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final Map<String, RegisteredFeatureSet> byId = new ConcurrentHashMap<>();
    private final List<Consumer<RegisteredFeatureSet>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean caughtUp;
    private volatile long appliedOffset = -1;
    private volatile boolean running;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /** Starts following the topic; returns once the versions present at start are loaded, or the timeout passed. */
    public synchronized void start(Duration timeout) {
        if (running) {
            return;
        }
        running = true;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "feature-service-catalog");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        TopicPartition partition = new TopicPartition(Topics.FEATURE_SETS, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        thread = new Thread(() -> follow(partition, end), "feature-set-catalog");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    private void follow(TopicPartition partition, long endAtStart) {
        if (endAtStart == 0) {
            caughtUp = true;
        }
        try (DeadLetters deadLetters = new DeadLetters(bootstrapServers, Topics.dlq(Topics.FEATURE_SETS),
                "feature-service-catalog-dead-letters")) {
            Set<String> done = deadLetters.alreadyDeadLettered(Topics.FEATURE_SETS, Duration.ofSeconds(30));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String refused;
                    Exception cause = null;
                    try {
                        refused = apply(record);
                    } catch (RuntimeException e) {
                        refused = "feature-sets record not applied: " + e.getMessage();
                        cause = e;
                    }
                    if (refused != null) {
                        deadLetter(deadLetters, done, record, refused, cause);
                    }
                    appliedOffset = record.offset();
                }
                if (!caughtUp && consumer.position(partition) >= endAtStart) {
                    caughtUp = true;
                    LOG.infof("Feature-set catalog loaded: %d versions", byId.size());
                }
            }
        } catch (WakeupException e) {
            // stop() woke the poll up
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Applies one record; returns why it was refused (for its dead letter), or null. */
    private String apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        FeatureSetRegistered event;
        try {
            event = CODEC.decode(record.value());
        } catch (EventDecodingException e) {
            return "undecodable feature-sets record: " + e.getMessage();
        }
        FeatureSetParser.Result parsed = FeatureSetParser.parse(event.getDefinition());
        if (parsed.definition().isEmpty()) {
            return "invalid feature set " + event.getName() + "@" + event.getVersion() + ": " + parsed.errors().stream()
                    .map(e -> e.field() + " " + e.message()).collect(java.util.stream.Collectors.joining("; "));
        }
        RegisteredFeatureSet set = new RegisteredFeatureSet(parsed.definition().get(), event.getDefinition(),
                event.getDefinitionSha256(), event.getRegisteredAt(), Optional.ofNullable(event.getRegisteredBy()));
        RegisteredFeatureSet first = byId.putIfAbsent(set.definition().id(), set);
        if (first == null) {
            LOG.infof("Feature set %s registered", set.definition().id());
            listeners.forEach(l -> l.accept(set));
        } else if (!first.sha256().equals(set.sha256())) {
            LOG.warnf("Ignoring a second, different registration of %s at offset %d: versions are immutable",
                    set.definition().id(), record.offset());
        }
        return null;
    }

    private static void deadLetter(DeadLetters deadLetters, Set<String> done, ConsumerRecord<String, byte[]> record,
            String reason, Exception cause) {
        LOG.errorf("Refused feature-sets record at offset %d: %s", record.offset(), reason);
        if (done.contains(record.partition() + ":" + record.offset())) {
            return;
        }
        try {
            deadLetters.send(record, reason, cause == null ? reason : String.valueOf(cause.getMessage()),
                    cause == null ? EventDecodingException.class.getName() : cause.getClass().getName(),
                    cause == null && reason.startsWith("undecodable"));
        } catch (Exception failed) {
            // never stall on it: the next start finds it missing from the dead-letter topic and sends it then
            LOG.errorf("Dead letter for feature-sets@%d not sent: %s", record.offset(), failed.getMessage());
        }
    }

    /** Called for every version, those already loaded included, in registration order. */
    public void onRegistered(Consumer<RegisteredFeatureSet> listener) {
        listeners.add(listener);
        byId.values().stream().sorted(Comparator.comparing(RegisteredFeatureSet::registeredAt))
                .forEach(listener);
    }

    public Optional<RegisteredFeatureSet> get(String name, int version) {
        return Optional.ofNullable(byId.get(dev.brigade.feature.FeatureSetDefinition.id(name, version)));
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
        return caughtUp;
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
        if (running) {
            running = false;
            consumer.wakeup();
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
