package dev.brigade.monitor.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;

/**
 * Folds a whole topic into an in-memory view on its own thread: assign every partition, read from the beginning
 * with read_committed, keep following. No consumer group, so every instance and every restart sees everything.
 * A record that does not decode, or that the view refuses, is logged, counted and skipped; the fold never stalls.
 * Where the monitor owns the topic's dead letters ({@link #ownDeadLetters}), it also goes to {@code <topic>.dlq}
 * once: the offsets already there are read first, so a replay after a restart does not send them again.
 */
public final class TopicReplay<T extends SpecificRecord> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicReplay.class);

    private final String topic;
    private final EventCodec<T> codec;
    private final Consumer<T> fold;
    private final KafkaConsumer<String, byte[]> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private DeadLetters deadLetters;
    private Set<String> deadLettered = Set.of();

    public TopicReplay(String bootstrapServers, String topic, Class<T> type, Consumer<T> fold) {
        this.topic = topic;
        this.codec = EventCodec.of(type);
        this.fold = fold;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "monitor-replay-" + topic);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "monitor-replay-" + topic);
        this.thread.setDaemon(true);
    }

    /** This replay writes the topic's dead letters (call before {@link #start}). */
    public TopicReplay<T> ownDeadLetters(String bootstrapServers) {
        this.deadLetters = new DeadLetters(bootstrapServers, Topics.dlq(topic), "monitor-replay-" + topic
                + "-dead-letters");
        return this;
    }

    public TopicReplay<T> start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            if (deadLetters != null) {
                deadLettered = deadLetters.alreadyDeadLettered(topic, Duration.ofSeconds(30));
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    LOG.infof("Replay of %s caught up (%d applied, %d skipped)", topic, applied.get(), skipped.get());
                    caughtUp.countDown();
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
            fold.accept(event);
            applied.incrementAndGet();
        } catch (RuntimeException e) {
            skipped.incrementAndGet();
            LOG.warnf(e, "Skipping record %s-%d@%d that the view refused", topic, record.partition(), record.offset());
            deadLetter(record, topic + " record refused by the monitor's view: " + e, e, false);
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
