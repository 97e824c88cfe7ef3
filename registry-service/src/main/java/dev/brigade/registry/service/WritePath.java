package dev.brigade.registry.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.signing.RecordSigner;
import dev.brigade.platform.kafka.signing.SigningKeys;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.config.RegistryConfig;
import dev.brigade.registry.listener.RegistryLogReader;
import dev.brigade.registry.listener.RegistryReplay;
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

    /** After the replay started (PLATFORM_BEFORE + 10). */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 20) StartupEvent start) {
        writer = new RegistryWriter(clients, names.topic(Topics.REGISTRY_EVENTS),
                names.transactionalId(config.writerId()), config.writeTimeout(),
                keys.signer());
    }

    void stop(@Observes ShutdownEvent stop) {
        if (writer != null) {
            writer.close();
        }
    }

    /** Another instance with the same writer id took over: this one no longer writes. */
    public boolean fenced() {
        RegistryWriter current = writer;
        return current != null && current.fenced();
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
        List<RecordMetadata> written = writer.write(changes.stream().map(RegistryEventMapper::toAvro).toList());
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
        if (writer == null || !replay.caughtUp()) {
            throw RegistryException.unavailable(
                    "the registry is replaying registry-events; retry when /q/health/ready is UP");
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
