package dev.brigade.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;

/**
 * Folds a whole topic into an in-memory view on its own thread: assign every partition, read from the beginning with
 * read_committed, keep following, and say when the end offsets seen at the start are reached (caught up). No
 * consumer group, so every instance and every restart sees everything. It waits for a topic that has no partitions
 * yet and reads on through a broker outage. A record that does not decode, a tombstone, or one the fold refuses is
 * logged, counted and skipped: the fold never stalls. Where the station owns the topic's dead letters
 * ({@link #ownDeadLetters}), it also goes to {@code <topic>.dlq}, once: the offsets already there are read first, so
 * a replay after a restart does not send them again. The consumer's metrics (lag among them) are bound.
 */
public final class TopicReplay<T extends SpecificRecord> implements AutoCloseable {

    /** Applies one decoded event; the record says where it came from. Throwing refuses the record. */
    @FunctionalInterface
    public interface Fold<T> {
        void apply(T event, ConsumerRecord<String, byte[]> record);
    }

    /** Thrown by a fold to refuse a record with the reason its dead letter carries, word for word. */
    public static final class Refused extends RuntimeException {

        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Told of every record skipped: its kind (a decoding reason, TOMBSTONE, REFUSED, ...) and the reason. */
    @FunctionalInterface
    public interface SkipListener {
        void skipped(String kind, String reason);
    }

    private static final Logger LOG = Logger.getLogger(TopicReplay.class);

    private final KafkaClients clients;
    private final String topic;
    private final String name;
    private final Class<T> type;
    private final EventCodec<T> codec;
    private final Fold<T> fold;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final Object progress = new Object();
    private final Map<Integer, Long> positions = new HashMap<>();
    private final Map<Integer, Long> endsAtStart = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile String lastFailure;
    private Runnable onCaughtUp = () -> { };
    private SkipListener onSkipped = (kind, reason) -> { };
    private DeadLetters deadLetters;
    private Set<String> deadLettered = Set.of();

    /**
     * @param name the client and thread name, e.g. monitor-replay-alerts
     * @param topic the physical name ({@link TopicNames#topic}); its dead letters go to that name's {@code .dlq}
     */
    public TopicReplay(KafkaClients clients, String name, String topic, Class<T> type, Fold<T> fold) {
        this.clients = clients;
        this.topic = topic;
        this.name = name;
        this.type = type;
        this.codec = EventCodec.of(type);
        this.fold = fold;
        this.consumer = clients.consumer(name, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public static <T extends SpecificRecord> TopicReplay<T> of(KafkaClients clients, String name, String topic,
            Class<T> type, java.util.function.Consumer<T> fold) {
        return new TopicReplay<>(clients, name, topic, type, (event, record) -> fold.accept(event));
    }

    /** This replay writes the topic's dead letters (call before {@link #start}). */
    public TopicReplay<T> ownDeadLetters() {
        this.deadLetters = new DeadLetters(clients, Topics.dlq(topic), name + "-dead-letters");
        return this;
    }

    /** Runs on the replay's thread once the end offsets seen at the start are reached (call before start). */
    public TopicReplay<T> onCaughtUp(Runnable action) {
        this.onCaughtUp = action;
        return this;
    }

    /** Runs on the replay's thread for every record skipped (call before start). */
    public TopicReplay<T> onSkipped(SkipListener listener) {
        this.onSkipped = listener;
        return this;
    }

    public TopicReplay<T> start() {
        thread.start();
        return this;
    }

    private void run() {
        try (KafkaClients.Binding metrics = clients.meter(consumer)) {
            List<TopicPartition> partitions = assignWhenReady();
            long started = System.nanoTime();
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        apply(record);
                    }
                    advance(partitions, started);
                    clients.authorizationFailures().granted(topic);
                } catch (KafkaException e) {
                    if (e instanceof WakeupException) {
                        throw e;
                    }
                    if (refused(e)) {
                        pause();
                        continue;
                    }
                    // a broker outage or a lost connection: the position is kept, so reading on loses nothing
                    lastFailure = e.toString();
                    LOG.warnf("Replay of %s: %s; retrying in 1 s", topic, e.toString());
                    pause();
                }
            }
        } catch (WakeupException stopping) {
            // closing
        } catch (RuntimeException e) {
            lastFailure = e.toString();
            LOG.errorf(e, "Replay of %s stopped", topic);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            if (deadLetters != null) {
                deadLetters.close();
            }
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /** Positions move past transaction markers too, which records alone would not show. */
    private void advance(List<TopicPartition> partitions, long started) {
        synchronized (progress) {
            for (TopicPartition tp : partitions) {
                positions.put(tp.partition(), consumer.position(tp));
            }
            if (!caughtUp && endsAtStart.entrySet().stream()
                    .allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                LOG.infof("Replay of %s caught up in %d ms (%d applied, %d skipped)", topic,
                        (System.nanoTime() - started) / 1_000_000, applied.get(), skipped.get());
                onCaughtUp.run();
                caughtUp = true;
            }
            progress.notifyAll();
        }
    }

    /**
     * Reads the dead letters already sent, waits until the topic has partitions (a station may start before the
     * topics are made) and assigns them from the beginning; a broker that does not answer is asked again every second.
     */
    private List<TopicPartition> assignWhenReady() {
        while (true) {
            try {
                if (deadLetters != null && deadLettered.isEmpty()) {
                    deadLettered = deadLetters.alreadyDeadLettered(topic, Duration.ofSeconds(30));
                }
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (!partitions.isEmpty()) {
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                    synchronized (progress) {
                        ends.forEach((tp, end) -> endsAtStart.put(tp.partition(), end));
                    }
                    return partitions;
                }
                LOG.infof("Replay of %s: the topic has no partitions yet; asking again in 1 s", topic);
            } catch (KafkaException e) {
                if (e instanceof WakeupException) {
                    throw e;
                }
                if (!refused(e)) {
                    lastFailure = e.toString();
                    LOG.warnf("Replay of %s cannot start yet: %s; retrying in 1 s", topic, e.toString());
                }
            }
            pause();
        }
    }

    /**
     * An ACL refusal is not an outage: the station reports not ready (logged once) and keeps asking, so an ACL
     * added later lets the replay go on from where it was without a restart.
     */
    private boolean refused(KafkaException e) {
        AuthorizationException refusal = AuthorizationFailures.find(e);
        if (refusal == null) {
            return false;
        }
        lastFailure = e.toString();
        if (clients.authorizationFailures().refused(topic, refusal)) {
            LOG.errorf("Replay of %s: the broker refused this station (%s); not ready until it may read the topic",
                    topic, refusal.getMessage());
        }
        return true;
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            skip(record, "TOMBSTONE", "TOMBSTONE: a null value is not a " + type.getSimpleName(), null, true);
            return;
        }
        T event;
        try {
            event = codec.decode(record.value());
        } catch (RuntimeException e) {
            String kind = e instanceof EventDecodingException d ? d.reason().name() : "UNDECODABLE";
            skip(record, kind, "undecodable " + topic + " record: " + e.getMessage(), e, true);
            return;
        }
        try {
            fold.apply(event, record);
            applied.incrementAndGet();
        } catch (Refused e) {
            String reason = e.getMessage();
            skip(record, reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason, reason, e, false);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Record %s-%d@%d refused by the %s view", topic, record.partition(), record.offset(), name);
            skip(record, "REFUSED", topic + " record refused by the " + name + " view: " + e, e, false);
        }
    }

    private void skip(ConsumerRecord<String, byte[]> record, String kind, String reason, RuntimeException cause,
            boolean decodeFailure) {
        skipped.incrementAndGet();
        onSkipped.skipped(kind, reason);
        LOG.warnf("Skipping %s-%d@%d: %s", topic, record.partition(), record.offset(), reason);
        if (deadLetters == null || deadLettered.contains(record.partition() + ":" + record.offset())) {
            return;
        }
        try {
            deadLetters.send(record, reason, causeText(reason, cause), cause == null ? "" : cause.getClass().getName(),
                    decodeFailure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (Exception failed) {
            // never stall the fold: the next start finds it missing from the dead-letter topic and sends it then
            LOG.errorf("Dead letter for %s-%d@%d not sent: %s", topic, record.partition(), record.offset(),
                    failed.getMessage());
        }
    }

    /** A decoding failure's particulars are its cause (EventDecodingException carries them so); else its message. */
    private static String causeText(String reason, RuntimeException cause) {
        if (cause == null) {
            return reason;
        }
        Throwable particulars = cause instanceof EventDecodingException && cause.getCause() != null ? cause.getCause()
                : cause;
        return String.valueOf(particulars.getMessage());
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return await(timeout, () -> caughtUp);
    }

    /** Waits until the record at this offset of this partition has been applied or skipped. */
    public boolean awaitPosition(int partition, long offset, Duration timeout) throws InterruptedException {
        return await(timeout, () -> positions.getOrDefault(partition, 0L) > offset);
    }

    private boolean await(Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!done.getAsBoolean() && System.nanoTime() < deadline && thread.isAlive()) {
                progress.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            return done.getAsBoolean();
        }
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** False once the replay's thread ended: closed, or stopped by a failure it could not read past. */
    public boolean alive() {
        return thread.isAlive();
    }

    /** The next offset to read, per partition. */
    public Map<Integer, Long> positions() {
        synchronized (progress) {
            return Map.copyOf(positions);
        }
    }

    /** The end offsets taken at the start, which "caught up" means reaching. */
    public Map<Integer, Long> endOffsetsAtStart() {
        synchronized (progress) {
            return Map.copyOf(endsAtStart);
        }
    }

    /** The last failure the replay read on through (or stopped at), or null. */
    public String lastFailure() {
        return lastFailure;
    }

    public long applied() {
        return applied.get();
    }

    public long skipped() {
        return skipped.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
