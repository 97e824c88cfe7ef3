package dev.brigade.registry.listener;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.RegistryEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.platform.kafka.DeadLetters;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.mapping.RegistryEventMapper;
import dev.brigade.registry.service.RegistryFold;
import dev.brigade.registry.service.RegistryState;

/**
 * Rebuilds the registry's state by folding registry-events from offset 0, then keeps folding new records. A plain
 * consumer (its metrics and lag bound) on its own thread, assigned every partition (no consumer group: every
 * instance needs the whole log, and nothing is committed). It reads committed transactions only, so an aborted
 * write never enters the state. Not platform's TopicReplay: a write waits here for its own offset to be folded
 * ({@link #awaitApplied}), and the fold's refusals are kept by event id for the writer to answer with.
 *
 * <p>It is caught up once it reached the end offsets taken at start; until then the service is not ready. A record
 * that does not decode, or that the fold refuses, is dead-lettered (once) and skipped: the replay never stalls.
 */
public final class RegistryLogReader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RegistryLogReader.class);
    private static final int REJECTIONS_KEPT = 10_000;

    /** What the replay reports as it goes; metrics hang on it. */
    public interface Listener {

        void applied(RegistryChange change);

        void refused(String reason);

        Listener NONE = new Listener() {
            @Override
            public void applied(RegistryChange change) {
            }

            @Override
            public void refused(String reason) {
            }
        };
    }

    /** A point-in-time view for health checks and logs. */
    public record Status(boolean running, boolean caughtUp, long applied, long refused,
            Map<Integer, Long> positions, Map<Integer, Long> startEndOffsets, String lastFailure) {
    }

    private final KafkaClients clients;
    private final String topic;
    private final DeadLetters deadLetters;
    private final Listener listener;
    private final EventCodec<RegistryEvent> codec = EventCodec.of(RegistryEvent.class);
    private final RegistryState state = new RegistryState();
    private final Object progress = new Object();
    private final Map<Integer, Long> positions = new HashMap<>();
    private final Map<Integer, Long> targets = new HashMap<>();
    private final Map<String, String> rejections = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REJECTIONS_KEPT;
        }
    };
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String lastFailure;
    private volatile long applied;
    private volatile long refused;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Set<String> alreadyDead = Set.of();
    private Thread thread;

    /** @param deadLetters where refused records go; null for a read-only fold (tools, tests) */
    public RegistryLogReader(KafkaClients clients, String topic, DeadLetters deadLetters, Listener listener) {
        this.clients = clients;
        this.topic = topic;
        this.deadLetters = deadLetters;
        this.listener = listener;
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, "registry-replay");
        thread.setDaemon(true);
        thread.start();
    }

    public RegistryState state() {
        return state;
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    public boolean running() {
        return running && thread != null && thread.isAlive();
    }

    /** Waits until the replay reached the end offsets taken at start. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!caughtUp && System.nanoTime() < deadline) {
                progress.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
        return caughtUp;
    }

    /** Waits until the record at this offset has been folded (or refused). */
    public boolean awaitApplied(int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (positions.getOrDefault(partition, 0L) <= offset && System.nanoTime() < deadline) {
                progress.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            return positions.getOrDefault(partition, 0L) > offset;
        }
    }

    /** Why the fold refused the event with this id, if it did (kept for the last 10,000 refusals). */
    public Optional<String> rejection(String eventId) {
        synchronized (rejections) {
            return Optional.ofNullable(rejections.get(eventId));
        }
    }

    public Status status() {
        synchronized (progress) {
            return new Status(running(), caughtUp, applied, refused, Map.copyOf(positions), Map.copyOf(targets),
                    lastFailure);
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = clients.consumer("registry-replay", Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500));
                AutoCloseable metrics = clients.meter(c)) {
            consumer = c;
            List<TopicPartition> partitions = partitions(c);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions, Duration.ofSeconds(30));
            if (deadLetters != null) {
                alreadyDead = deadLetters.alreadyDeadLettered(topic, Duration.ofSeconds(30));
            }
            synchronized (progress) {
                ends.forEach((tp, end) -> targets.put(tp.partition(), end));
            }
            LOG.infof("Replaying %s from offset 0 up to %s", topic, targets);
            long started = System.nanoTime();
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(200))) {
                        process(record);
                    }
                    synchronized (progress) {
                        // Positions move past transaction markers too, which records alone would not show.
                        for (TopicPartition tp : partitions) {
                            positions.put(tp.partition(), c.position(tp));
                        }
                        if (!caughtUp && reachedTargets()) {
                            caughtUp = true;
                            LOG.infof("Replay of %s caught up in %d ms: %d changes applied, %d refused, %d use cases",
                                    topic, (System.nanoTime() - started) / 1_000_000, applied, refused,
                                    state.snapshot().size());
                        }
                        progress.notifyAll();
                    }
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                } catch (KafkaException e) {
                    // The client reconnects by itself; anything that surfaces here is logged and retried.
                    lastFailure = e.toString();
                    LOG.errorf(e, "Replay of %s failed; retrying in 1 s", topic);
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            LOG.debug("Replay stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastFailure = e.toString();
            LOG.errorf(e, "Replay of %s stopped", topic);
        } finally {
            running = false;
            consumer = null;
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        while (running) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            LOG.warnf("Topic %s has no partitions yet; waiting", topic);
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

    private void process(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            deadLetter(record, "TOMBSTONE: a null value is not a registry change", "null value",
                    "java.lang.NullPointerException", true);
            return;
        }
        RegistryEvent event;
        try {
            event = codec.decode(record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, e.getMessage(), e.getCause() == null ? e.toString() : e.getCause().getMessage(),
                    e.getClass().getName(), true);
            return;
        }
        MDC.put("eventId", event.getEventId());
        try {
            RegistryChange change = RegistryEventMapper.toDomain(event);
            RegistryFold.Outcome outcome = state.apply(change);
            if (outcome instanceof RegistryFold.Rejected rejected) {
                refuse(record, event.getEventId(), "REJECTED: " + rejected.reason(), IllegalStateException.class);
            } else {
                applied++;
                listener.applied(change);
                LOG.debugf("Applied %s to %s at offset %d", change.change().getClass().getSimpleName(),
                        change.useCase(), record.offset());
            }
        } catch (RegistryEventMapper.UnmappableEventException e) {
            refuse(record, event.getEventId(), "UNMAPPABLE: " + e.getMessage(), e.getClass());
        } finally {
            MDC.remove("eventId");
        }
    }

    private void refuse(ConsumerRecord<String, byte[]> record, String eventId, String reason, Class<?> type) {
        synchronized (rejections) {
            rejections.put(eventId, reason);
        }
        deadLetter(record, reason, reason, type.getName(), false);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, String cause, String type,
            boolean decodeFailure) {
        refused++;
        listener.refused(reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason);
        if (deadLetters == null) {
            return;
        }
        if (alreadyDead.contains(record.partition() + ":" + record.offset())) {
            LOG.debugf("Skipping %s-%d@%d, dead-lettered by an earlier run: %s", record.topic(), record.partition(),
                    record.offset(), reason);
            return;
        }
        try {
            deadLetters.send(record, reason, cause, type, decodeFailure);
        } catch (Exception e) {
            // The replay must not stall on the dead-letter topic; the record stays in the log for a later run.
            LOG.errorf(e, "Cannot dead-letter %s-%d@%d (%s)", record.topic(), record.partition(), record.offset(),
                    reason);
        }
    }
}
