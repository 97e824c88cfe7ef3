package dev.brigade.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;

/**
 * Folds a whole topic into an in-memory view on its own thread: assign every partition, read from the beginning with
 * read_committed, keep following, and say when the end offsets seen at the start are reached (caught up). No
 * consumer group, so every instance and every restart sees everything. A record that does not decode, or that the
 * fold refuses, is logged, counted and skipped: the fold never stalls. Where the station owns the topic's dead
 * letters ({@link #ownDeadLetters}), it also goes to {@code <topic>.dlq}, once: the offsets already there are read
 * first, so a replay after a restart does not send them again. The consumer's metrics (lag among them) are bound.
 */
public final class TopicReplay<T extends SpecificRecord> implements AutoCloseable {

    /** Applies one decoded event; the record says where it came from. Throwing refuses the record. */
    @FunctionalInterface
    public interface Fold<T> {
        void apply(T event, ConsumerRecord<String, byte[]> record);
    }

    private static final Logger LOG = Logger.getLogger(TopicReplay.class);

    private final KafkaClients clients;
    private final String topic;
    private final String name;
    private final EventCodec<T> codec;
    private final Fold<T> fold;
    private final KafkaConsumer<String, byte[]> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private Runnable onCaughtUp = () -> { };
    private DeadLetters deadLetters;
    private Set<String> deadLettered = Set.of();

    /** @param name the client and thread name, e.g. monitor-replay-alerts */
    public TopicReplay(KafkaClients clients, String name, String topic, Class<T> type, Fold<T> fold) {
        this.clients = clients;
        this.topic = topic;
        this.name = name;
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

    public TopicReplay<T> start() {
        thread.start();
        return this;
    }

    private void run() {
        try (KafkaClients.Binding metrics = clients.meter(consumer)) {
            Map<TopicPartition, Long> end = assignWhenReady();
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        apply(record);
                    }
                    if (caughtUp.getCount() > 0 && end.entrySet().stream()
                            .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        LOG.infof("Replay of %s caught up (%d applied, %d skipped)", topic, applied.get(),
                                skipped.get());
                        onCaughtUp.run();
                        caughtUp.countDown();
                    }
                } catch (KafkaException e) {
                    if (e instanceof WakeupException) {
                        throw e;
                    }
                    // a broker outage or a lost connection: the position is kept, so reading on loses nothing
                    LOG.warnf("Replay of %s: %s; retrying in 1 s", topic, e.toString());
                    pause();
                }
            }
        } catch (WakeupException stopping) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "Replay of %s stopped", topic);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            if (deadLetters != null) {
                deadLetters.close();
            }
        }
    }

    /**
     * Reads the dead letters already sent, waits until the topic has partitions (a station may start before the
     * topics are made) and assigns them from the beginning; a broker that does not answer is asked again every second.
     */
    private Map<TopicPartition, Long> assignWhenReady() {
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
                    return consumer.endOffsets(partitions, Duration.ofSeconds(30));
                }
                LOG.infof("Replay of %s: the topic has no partitions yet; asking again in 1 s", topic);
            } catch (KafkaException e) {
                if (e instanceof WakeupException) {
                    throw e;
                }
                LOG.warnf("Replay of %s cannot start yet: %s; retrying in 1 s", topic, e.toString());
            }
            pause();
        }
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
        T event;
        try {
            event = codec.decode(record.value());
        } catch (RuntimeException e) {
            skipped.incrementAndGet();
            LOG.warnf("Skipping undecodable record %s-%d@%d: %s", topic, record.partition(), record.offset(),
                    e.getMessage());
            deadLetter(record, "undecodable " + topic + " record: " + e.getMessage(), e, true);
            return;
        }
        try {
            fold.apply(event, record);
            applied.incrementAndGet();
        } catch (RuntimeException e) {
            skipped.incrementAndGet();
            LOG.warnf(e, "Skipping record %s-%d@%d that the view refused", topic, record.partition(), record.offset());
            deadLetter(record, topic + " record refused by the " + name + " view: " + e, e, false);
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, RuntimeException e,
            boolean decodeFailure) {
        if (deadLetters == null || deadLettered.contains(record.partition() + ":" + record.offset())) {
            return;
        }
        try {
            deadLetters.send(record, reason, String.valueOf(e.getMessage()), e.getClass().getName(), decodeFailure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (Exception failed) {
            // never stall the fold: the next start finds it missing from the dead-letter topic and sends it then
            LOG.errorf("Dead letter for %s-%d@%d not sent: %s", topic, record.partition(), record.offset(),
                    failed.getMessage());
        }
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** False once the replay's thread ended: closed, or stopped by a failure it could not read past. */
    public boolean alive() {
        return thread.isAlive();
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
