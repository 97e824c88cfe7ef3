package dev.brigade.serving.listener;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.RegistryEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.serving.RegistryChange;
import dev.brigade.serving.UseCaseState;
import dev.brigade.serving.mapping.RegistryEventMapper;
import dev.brigade.serving.service.ModelStore;
import dev.brigade.serving.service.ServingMetrics;
import dev.brigade.serving.service.UseCaseFold;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Follows registry-events from offset 0 at every start, so serving's view of the registry is the fold of the log:
 * a plain consumer on its own thread, assigned every partition, no consumer group and nothing committed (every
 * instance needs the whole log), {@code read_committed} (the registry writes in transactions).
 *
 * <p>Once it reached the end offsets taken at start it hands each changed use case to the {@link ModelStore},
 * which loads models off this thread. A record that does not decode, or that the fold refuses, is logged, counted
 * ({@code brigade_events_consumed_total{outcome="skipped"}}) and skipped: the registry's own replay dead-letters
 * such records once, so serving does not write a second copy of each to registry-events.dlq at every restart.
 */
@ApplicationScoped
public class RegistryFollower {

    private static final Logger LOG = Logger.getLogger(RegistryFollower.class);

    private final String bootstrapServers;
    private final ModelStore models;
    private final ServingMetrics metrics;
    private final EventCodec<RegistryEvent> codec = EventCodec.of(RegistryEvent.class);
    private final Map<String, UseCaseState> states = new ConcurrentHashMap<>();
    private final Map<Integer, Long> targets = new HashMap<>();
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile long applied;
    private volatile long skipped;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    RegistryFollower(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, ModelStore models,
            ServingMetrics metrics) {
        this.bootstrapServers = bootstrapServers;
        this.models = models;
        this.metrics = metrics;
    }

    /** After TopicSetup (PLATFORM_BEFORE). */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) StartupEvent start) {
        running = true;
        thread = new Thread(this::run, "registry-follower");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent stop) {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    public boolean alive() {
        return thread != null && thread.isAlive();
    }

    public long applied() {
        return applied;
    }

    public long skipped() {
        return skipped;
    }

    public Map<Integer, Long> positions() {
        return Map.copyOf(positions);
    }

    /** The registry's state of a use case as folded here (null if unknown). */
    public UseCaseState state(String useCase) {
        return states.get(useCase);
    }

    private void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "serving-registry-follower");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = partitions(c);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            c.endOffsets(partitions, Duration.ofSeconds(30)).forEach((tp, end) -> targets.put(tp.partition(), end));
            LOG.infof("Following %s from offset 0; caught up at %s", Topics.REGISTRY_EVENTS, targets);
            long started = System.nanoTime();
            while (running) {
                try {
                    Set<String> changed = new HashSet<>();
                    for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(100))) {
                        String useCase = process(record);
                        if (useCase != null) {
                            changed.add(useCase);
                        }
                    }
                    for (TopicPartition tp : partitions) {
                        positions.put(tp.partition(), c.position(tp));
                    }
                    if (!caughtUp && reachedTargets()) {
                        LOG.infof("Caught up with %s in %d ms: %d changes applied, %d skipped, %d use cases",
                                Topics.REGISTRY_EVENTS, (System.nanoTime() - started) / 1_000_000, applied, skipped,
                                states.size());
                        // The whole fold at once: only now are the models it names worth loading.
                        states.values().forEach(models::update);
                        caughtUp = true;
                    } else if (caughtUp) {
                        for (String useCase : changed) {
                            models.update(states.get(useCase));
                        }
                    }
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                } catch (KafkaException e) {
                    LOG.errorf(e, "Following %s failed; retrying in 1 s", Topics.REGISTRY_EVENTS);
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            LOG.debug("Registry follower stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Registry follower stopped");
        } finally {
            consumer = null;
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        while (running) {
            List<TopicPartition> partitions = c.partitionsFor(Topics.REGISTRY_EVENTS, Duration.ofSeconds(10))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            LOG.warnf("Topic %s has no partitions yet; waiting", Topics.REGISTRY_EVENTS);
            Thread.sleep(1000);
        }
        throw new WakeupException();
    }

    private boolean reachedTargets() {
        for (Map.Entry<Integer, Long> target : targets.entrySet()) {
            if (positions.getOrDefault(target.getKey(), 0L) < target.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** @return the use case whose state changed, or null */
    private String process(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            skip(record, "TOMBSTONE", "a null value is not a registry change");
            return null;
        }
        RegistryEvent event;
        try {
            event = codec.decode(record.value());
        } catch (EventDecodingException e) {
            skip(record, "UNDECODABLE", e.getMessage());
            return null;
        }
        MDC.put("eventId", event.getEventId());
        try {
            RegistryChange change = RegistryEventMapper.toDomain(event);
            UseCaseFold.Outcome outcome = UseCaseFold.apply(states.get(change.useCase()), change);
            if (outcome instanceof UseCaseFold.Refused refused) {
                skip(record, "REFUSED", refused.reason());
                return null;
            }
            states.put(change.useCase(), ((UseCaseFold.Applied) outcome).state());
            applied++;
            metrics.registryEvent("applied");
            LOG.debugf("Applied %s of %s at offset %d", change.change().getClass().getSimpleName(), change.useCase(),
                    record.offset());
            return change.useCase();
        } catch (RegistryEventMapper.UnmappableEventException e) {
            skip(record, "UNMAPPABLE", e.getMessage());
            return null;
        } finally {
            MDC.remove("eventId");
        }
    }

    private void skip(ConsumerRecord<String, byte[]> record, String kind, String reason) {
        skipped++;
        metrics.registryEvent("skipped");
        LOG.warnf("Skipped %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(), kind, reason);
    }
}
