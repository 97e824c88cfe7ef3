package dev.brigade.serving.listener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.RegistryEvent;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.platform.kafka.signing.SignatureGate;
import dev.brigade.platform.kafka.signing.SigningKeys;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.RegistryChange;
import dev.brigade.serving.UseCaseState;
import dev.brigade.serving.mapping.RegistryEventMapper;
import dev.brigade.serving.service.ModelStore;
import dev.brigade.serving.service.ServingMetrics;
import dev.brigade.serving.service.UseCaseFold;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Serving's view of the registry is the fold of registry-events, replayed from offset 0 at every start by the
 * platform's {@link TopicReplay} (every partition, no consumer group, {@code read_committed}: the registry writes in
 * transactions).
 *
 * <p>Once the replay reached the end offsets taken at start, the whole fold goes to the {@link ModelStore}, which loads
 * models off this thread, and from then on each changed use case. A record that does not decode, or that the fold
 * refuses, is logged, counted ({@code brigade_events_consumed_total{outcome="skipped"}}) and skipped: the registry's
 * own replay dead-letters such records once, so serving does not write a second copy of each at every restart.
 *
 * <p>Every record is verified before it is folded (platform's {@link SignatureGate}, keys from
 * BRIGADE_SIGNING_TRUSTED_CERTS): one that is unsigned, signed by an untrusted key or whose signature does not match
 * never changes what serving answers with. It is counted ({@code brigade_events_signature_refused_total}), logged
 * with its offset and sent to registry-events.dlq unless a dead letter of that offset is already there.
 */
@ApplicationScoped
public class RegistryFollower {

    private static final Logger LOG = Logger.getLogger(RegistryFollower.class);
    private static final String NAME = "serving-registry-follower";

    private final ModelStore models;
    private final ServingMetrics metrics;
    private final Map<String, UseCaseState> states = new ConcurrentHashMap<>();
    private final AtomicLong applied = new AtomicLong();
    /** Records that decoded but the fold refused; the replay counts those that did not decode. */
    private final AtomicLong refused = new AtomicLong();
    private final TopicReplay<RegistryEvent> replay;
    private final SignatureGate gate;
    private final SigningKeys keys;
    /** Written and read on the replay's thread only. */
    private boolean handingOver;

    /** Without trusted certificates the service stops here, naming BRIGADE_SIGNING_TRUSTED_CERTS in one line. */
    RegistryFollower(KafkaClients clients, TopicNames names, ModelStore models, ServingMetrics metrics,
            SigningKeys keys, MeterRegistry meters) {
        this.models = models;
        this.metrics = metrics;
        this.keys = keys;
        this.gate = SignatureGate.deadLettering(keys.verifier(), names.topic(Topics.REGISTRY_EVENTS), meters, clients,
                NAME + "-dead-letters").acceptingUnsignedBelow(keys.unsignedHistoryEnd());
        this.replay = new TopicReplay<>(clients, NAME, names.topic(Topics.REGISTRY_EVENTS),
                RegistryEvent.class, gate.guard(this::apply, RegistryEvent::getEventId)).onCaughtUp(this::caughtUpNow);
    }

    /**
     * Before anything else, TopicSetup included: without readable trusted certificates the station stops at once,
     * in one line naming BRIGADE_SIGNING_TRUSTED_CERTS, without first waiting for a broker.
     */
    void checkSigning(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start) {
        keys.verifier();
    }

    /** After the platform's TopicSetup (PLATFORM_BEFORE). */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) StartupEvent start) {
        metrics.registryEvents(this, RegistryFollower::applied, RegistryFollower::skipped);
        replay.start();
    }

    void stop(@Observes ShutdownEvent stop) {
        replay.close();
        gate.close();
    }

    public boolean caughtUp() {
        return replay.caughtUp();
    }

    /** Liveness: a replay that stopped (a failure it cannot read past) must restart the service. */
    public boolean alive() {
        return replay.alive();
    }

    public long applied() {
        return applied.get();
    }

    public long skipped() {
        return replay.skipped() + refused.get();
    }

    private void caughtUpNow() {
        LOG.infof("Caught up with %s: %d changes applied, %d skipped, %d use cases", Topics.REGISTRY_EVENTS,
                applied(), skipped(), states.size());
        // The whole fold at once: only now are the models it names worth loading.
        states.values().forEach(models::update);
        handingOver = true;
    }

    private void apply(RegistryEvent event, ConsumerRecord<String, byte[]> record) {
        MDC.put("eventId", event.getEventId());
        try {
            RegistryChange change = RegistryEventMapper.toDomain(event);
            UseCaseFold.Outcome outcome = UseCaseFold.apply(states.get(change.useCase()), change);
            if (outcome instanceof UseCaseFold.Refused refusal) {
                refuse(record, "REFUSED", refusal.reason());
                return;
            }
            UseCaseState state = ((UseCaseFold.Applied) outcome).state();
            states.put(change.useCase(), state);
            applied.incrementAndGet();
            LOG.debugf("Applied %s of %s at offset %d", change.change().getClass().getSimpleName(), change.useCase(),
                    record.offset());
            if (handingOver) {
                models.update(state);
            }
        } catch (RegistryEventMapper.UnmappableEventException e) {
            refuse(record, "UNMAPPABLE", e.getMessage());
        } finally {
            MDC.remove("eventId");
        }
    }

    /** Counted as skipped, not thrown: the replay would log a refusal with its stack trace. */
    private void refuse(ConsumerRecord<String, byte[]> record, String kind, String reason) {
        refused.incrementAndGet();
        LOG.warnf("Skipped %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(), kind, reason);
    }
}
