package dev.brigade.registry.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.signing.RecordSigner;
import dev.brigade.platform.kafka.signing.SigningKeys;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.registry.ActiveInstance;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.config.RegistryConfig;
import dev.brigade.registry.listener.RegistryLogReader;
import dev.brigade.registry.listener.RegistryReplay;
import dev.brigade.registry.mapping.LeaderMapper;
import dev.brigade.registry.mapping.RegistryEventMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The write path every command takes, one at a time: plan against the current state, append the events to
 * registry-events in one transaction, wait until the replay has folded them, answer from the state. So the caller
 * reads its own write, and the state never holds anything the log does not.
 */
@ApplicationScoped
public class WritePath {

    private static final Logger LOG = Logger.getLogger(WritePath.class);

    private final RegistryConfig config;
    private final RegistryReplay replay;
    private final KafkaClients clients;
    private final SigningKeys keys;
    private final TopicNames names;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final Clock clock = Clock.systemUTC();
    private volatile RegistryWriter writer;
    private volatile ActiveInstance active;
    private volatile Runnable onFenced = () -> { };

    WritePath(RegistryConfig config, RegistryReplay replay, KafkaClients clients, SigningKeys keys,
            TopicNames names) {
        this.names = names;
        this.config = config;
        this.replay = replay;
        this.clients = clients;
        this.keys = keys;
    }

    /**
     * Before anything else, TopicSetup included (PLATFORM_BEFORE - 1): a missing or unreadable signing key, or one
     * that is not among the trusted certificates (the registry would refuse its own writes), stops the service in
     * one line naming the variable, without first waiting for a broker.
     */
    void checkSigning(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start) {
        RecordSigner signer = keys.signer();
        if (!keys.verifier().trusts(signer.keyId())) {
            throw new ConfigurationException("Registry event signing: the key of BRIGADE_SIGNING_KEYSTORE (key id "
                    + signer.keyId() + ") is not among BRIGADE_SIGNING_TRUSTED_CERTS (key ids "
                    + keys.verifier().keyIds() + "): the registry would refuse its own writes; add its certificate");
        }
    }

    void stop(@Observes ShutdownEvent stop) {
        deactivate("shutting down");
    }

    /**
     * Takes over as the active instance (the leader elector gave this instance the partition): opens a writer with
     * the fixed transactional id, which fences any earlier writer and settles its open transaction; waits until the
     * replay has folded registry-events up to its committed end, so every decision sees the predecessor's last
     * write; then announces itself on registry-leader in a transaction of that writer, the first write of its
     * term. Only then does it take writes.
     *
     * @throws Exception whatever stopped it (the elector gives the partition away and tries again)
     */
    public ActiveInstance activate(int epoch, String instanceId, String url) throws Exception {
        deactivate("taking over again in leader epoch " + epoch);
        long started = System.nanoTime();
        RegistryWriter opened = new RegistryWriter(clients, names.topic(Topics.REGISTRY_EVENTS),
                names.transactionalId(config.writerId()), config.writeTimeout(), keys.signer());
        try {
            long fencedAt = System.nanoTime();
            RegistryLogReader reader = replay.reader();
            Map<Integer, Long> ends = committedEnds();
            if (!reader.awaitPositions(ends, config.writeTimeout())) {
                throw new IllegalStateException("the replay did not reach the committed end of registry-events "
                        + ends + " within " + config.writeTimeout() + " (at " + reader.status().positions() + ")");
            }
            ActiveInstance me = new ActiveInstance(instanceId, url, now(), epoch,
                    names.transactionalId(config.writerId()));
            RecordMetadata announced = opened.announce(names.topic(Topics.REGISTRY_LEADER), LeaderMapper.KEY,
                    LeaderMapper.encode(me));
            writer = opened;
            active = me;
            LOG.infof("Registry writer %s opened (fencing any earlier holder) in %d ms; replay at %s; announced %s "
                    + "as active, leader epoch %d, at %s-%d@%d", me.writerId(), (fencedAt - started) / 1_000_000, ends,
                    url, epoch, announced.topic(), announced.partition(), announced.offset());
            return me;
        } catch (Exception | Error e) {
            opened.close();
            throw e;
        }
    }

    /** No longer the active instance (partition revoked or lost, fenced, shutting down): refuse writes at once. */
    public void deactivate(String why) {
        boolean was = active != null;
        active = null;
        RegistryWriter current = writer;
        if (current == null) {
            return;
        }
        // A write in flight ends with the producer: wait for it briefly, then close anyway.
        boolean locked = false;
        try {
            locked = writeLock.tryLock(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            writer = null;
            current.close();
            if (was) {
                LOG.infof("Registry writer closed: %s", why);
            }
        } catch (RuntimeException e) {
            LOG.debug("Writer not closed cleanly", e);
        } finally {
            if (locked) {
                writeLock.unlock();
            }
        }
    }

    /** Told when the writer finds itself fenced by an instance outside this one's group (the elector resigns). */
    public void onFenced(Runnable action) {
        this.onFenced = action;
    }

    /** This instance's term as the active one, if it is active. */
    public Optional<ActiveInstance> active() {
        return Optional.ofNullable(active);
    }

    /** The last writer of this instance was fenced by another one with the same writer id. */
    public boolean fenced() {
        RegistryWriter current = writer;
        return current != null && current.fenced();
    }

    /** The committed (read_committed) end offsets of registry-events now. */
    private Map<Integer, Long> committedEnds() {
        String topic = names.topic(Topics.REGISTRY_EVENTS);
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer("registry-takeover",
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, config.writeTimeout()).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<Integer, Long> ends = new TreeMap<>();
            consumer.endOffsets(partitions, config.writeTimeout()).forEach((tp, end) -> ends.put(tp.partition(), end));
            return ends;
        }
    }

    /** What a command appends (maybe nothing) and how it answers once the replay has folded it. */
    record Plan<T>(List<RegistryChange> changes, Supplier<T> result) {
    }

    /** Plans under the write lock against the current state, appends the plan, and answers from the new state. */
    <T> T write(Supplier<Plan<T>> planner) {
        try {
            if (!writeLock.tryLock(config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw RegistryException.unavailable("the registry is busy; retry");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.unavailable("interrupted");
        }
        try {
            requireWritable();
            Plan<T> plan = planner.get();
            if (!plan.changes().isEmpty()) {
                append(plan.changes());
            }
            return plan.result().get();
        } finally {
            writeLock.unlock();
        }
    }

    private void append(List<RegistryChange> changes) {
        RegistryLogReader reader = replay.reader();
        RegistryWriter current = writer;
        List<RecordMetadata> written;
        try {
            written = current.write(changes.stream().map(RegistryEventMapper::toAvro).toList());
        } catch (RegistryException e) {
            if (current.fenced()) {
                // Someone else opened the writer id: this instance is no longer the active one.
                active = null;
                onFenced.run();
            }
            throw e;
        }
        for (int i = 0; i < written.size(); i++) {
            RecordMetadata record = written.get(i);
            MDC.put("eventId", changes.get(i).eventId());
            try {
                LOG.debugf("Wrote %s at %s-%d@%d", changes.get(i).change().getClass().getSimpleName(), record.topic(),
                        record.partition(), record.offset());
                if (!reader.awaitApplied(record.partition(), record.offset(), config.writeTimeout())) {
                    throw RegistryException.unavailable("the change is in the log (offset "
                            + record.offset() + ") but the replay has not applied it yet; it will appear shortly");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RegistryException.unavailable("interrupted");
            } finally {
                MDC.remove("eventId");
            }
        }
        for (RegistryChange change : changes) {
            Optional<String> refused = reader.rejection(change.eventId());
            if (refused.isPresent()) {
                throw RegistryException.conflict("the registry log refused the change: " + refused.get());
            }
        }
    }

    private void requireWritable() {
        if (!replay.caughtUp()) {
            throw RegistryException.unavailable(
                    "the registry is replaying registry-events; retry when /q/health/ready is UP");
        }
        if (active == null || writer == null) {
            throw RegistryException.unavailable("this registry instance is the standby (or just lost its place as "
                    + "the active one); writes go to the active instance (GET /v1/registry/leader)");
        }
        if (writer.fenced()) {
            throw RegistryException.unavailable("this registry instance was fenced by another one; send writes there");
        }
        if (!replay.reader().running()) {
            throw RegistryException.unavailable("the replay of registry-events stopped");
        }
    }

    RegistryChange change(String useCase, String actor, String why, RegistryChange.Change change) {
        return new RegistryChange(UUID.randomUUID().toString(), useCase, now(), actor, why, change);
    }

    /** Millisecond time (what the log keeps), never before the latest event, so history stays in time order. */
    Instant now() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant last = replay.state().lastOccurredAt();
        return now.isBefore(last) ? last : now;
    }
}
