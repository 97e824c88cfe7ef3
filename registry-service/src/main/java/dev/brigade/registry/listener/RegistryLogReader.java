package dev.brigade.registry.listener;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.RegistryEvent;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.platform.kafka.signing.SignatureGate;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.mapping.RegistryEventMapper;
import dev.brigade.registry.service.RegistryFold;
import dev.brigade.registry.service.RegistryState;

/**
 * Rebuilds the registry's state by folding registry-events from offset 0, then keeps folding new records: platform's
 * {@link TopicReplay} (its own thread, every partition, no consumer group, read_committed, so an aborted write never
 * enters the state; its metrics and lag bound). A write waits here for its own offset to be folded
 * ({@link #awaitApplied}), and the fold's refusals are kept by event id for the writer to answer with.
 *
 * <p>It is caught up once it reached the end offsets taken at start; until then the service is not ready. A record
 * that does not decode, or that the fold refuses, is dead-lettered (once) and skipped: the replay never stalls.
 *
 * <p>Every record is verified before it is folded (platform's {@link SignatureGate}): one that is unsigned, signed
 * by a key not in the trusted certificates, or whose signature does not match is refused like any other
 * (UNSIGNED / UNKNOWN_KEY / BAD_SIGNATURE: dead-lettered with that reason, counted, logged with its offset).
 */
public final class RegistryLogReader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RegistryLogReader.class);
    private static final int REJECTIONS_KEPT = 10_000;

    /** What the replay reports as it goes; metrics hang on it. */
    public interface Listener {

        Listener NONE = new Listener() {
        };

        default void applied(RegistryChange change) {
        }

        default void refused(String reason) {
        }
    }

    /** A point-in-time view for health checks and logs. */
    public record Status(boolean running, boolean caughtUp, long applied, long refused,
            Map<Integer, Long> positions, Map<Integer, Long> startEndOffsets, String lastFailure) {
    }

    private final Listener listener;
    private final RegistryState state = new RegistryState();
    private final Map<String, String> rejections = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REJECTIONS_KEPT;
        }
    };
    private final TopicReplay<RegistryEvent> replay;
    private boolean started;

    /**
     * @param ownDeadLetters whether refused records go to registry-events.dlq; false for a read-only fold (tools)
     * @param signatures the check in front of the fold ({@link SignatureGate#counting}: this replay writes the
     *        dead letters itself)
     */
    public RegistryLogReader(KafkaClients clients, String topic, boolean ownDeadLetters, SignatureGate signatures,
            Listener listener) {
        this.listener = listener;
        TopicReplay<RegistryEvent> r = new TopicReplay<>(clients, "registry-replay", topic, RegistryEvent.class,
                signatures.guard(this::fold, RegistryEvent::getEventId)).onSkipped((kind, reason) -> listener.refused(kind));
        this.replay = ownDeadLetters ? r.ownDeadLetters() : r;
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        replay.start();
    }

    public RegistryState state() {
        return state;
    }

    public boolean caughtUp() {
        return replay.caughtUp();
    }

    public boolean running() {
        return replay.alive();
    }

    /** Waits until the replay reached the end offsets taken at start. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return replay.awaitCaughtUp(timeout);
    }

    /** Waits until the record at this offset has been folded (or refused). */
    public boolean awaitApplied(int partition, long offset, Duration timeout) throws InterruptedException {
        return replay.awaitPosition(partition, offset, timeout);
    }

    /**
     * Waits until every partition's position reached the given end offset: what a new active instance waits for
     * before its first write, so it decides on the whole log its predecessor left.
     */
    public boolean awaitPositions(Map<Integer, Long> ends, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<Integer, Long> end : ends.entrySet()) {
            long left = deadline - System.nanoTime();
            if (end.getValue() > 0 && (left <= 0
                    || !replay.awaitPosition(end.getKey(), end.getValue() - 1, Duration.ofNanos(left)))) {
                return false;
            }
        }
        return true;
    }

    /** Why the fold refused the event with this id, if it did (kept for the last 10,000 refusals). */
    public Optional<String> rejection(String eventId) {
        synchronized (rejections) {
            return Optional.ofNullable(rejections.get(eventId));
        }
    }

    public Status status() {
        return new Status(running(), caughtUp(), replay.applied(), replay.skipped(), replay.positions(),
                replay.endOffsetsAtStart(), replay.lastFailure());
    }

    @Override
    public void close() {
        replay.close();
    }

    private void fold(RegistryEvent event, ConsumerRecord<String, byte[]> record) {
        MDC.put("eventId", event.getEventId());
        try {
            RegistryChange change = RegistryEventMapper.toDomain(event);
            RegistryFold.Outcome outcome = state.apply(change);
            if (outcome instanceof RegistryFold.Rejected rejected) {
                throw refuse(event.getEventId(), "REJECTED: " + rejected.reason());
            }
            listener.applied(change);
            LOG.debugf("Applied %s to %s at offset %d", change.change().getClass().getSimpleName(),
                    change.useCase(), record.offset());
        } catch (RegistryEventMapper.UnmappableEventException e) {
            throw refuse(event.getEventId(), "UNMAPPABLE: " + e.getMessage());
        } finally {
            MDC.remove("eventId");
        }
    }

    /**
     * Kept by event id for the writer. Only records that passed the signature check get here: a forged record that
     * copies a real event's id cannot make a write that landed look refused.
     */
    private TopicReplay.Refused refuse(String eventId, String reason) {
        synchronized (rejections) {
            rejections.put(eventId, reason);
        }
        return new TopicReplay.Refused(reason);
    }
}
