package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.AvroEventSerializer;
import dev.brigade.events.topics.Topics;
import dev.brigade.simulator.CardFraudWorld;
import dev.brigade.simulator.SimEvent;

/**
 * Card transactions as their producer publishes them (Avro, keyed by card, idempotent, acks=all), at a steady rate
 * in batches, each batch's labels one batch later; every event remembers the phase of the fault suite it was
 * published in, so lost and duplicated outputs can be counted per scenario.
 */
final class StreamPublisher extends Thread {

    final Map<String, Integer> phaseOf = new ConcurrentHashMap<>();
    final AtomicLong failed = new AtomicLong();
    private final Map<String, Object> kafka;
    private final int events;
    private final int rate;
    private final IntSupplier phase;
    private final CardFraudWorld world = new CardFraudWorld(7);
    private volatile Throwable error;

    /** @param kafka the producer's connection properties (bootstrap servers and, on a secured cluster, its login) */
    StreamPublisher(Map<String, Object> kafka, int events, int rate, IntSupplier phase) {
        super("fault-suite-publisher");
        setDaemon(true);
        this.kafka = Map.copyOf(kafka);
        this.events = events;
        this.rate = rate;
        this.phase = phase;
    }

    @Override
    public void run() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
        int batch = Math.max(1, rate / 5);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroEventSerializer<>())) {
            List<SimEvent> previous = List.of();
            long next = System.nanoTime();
            for (int sent = 0; sent < events || !previous.isEmpty();) {
                List<SimEvent> current = new ArrayList<>();
                int p = phase.getAsInt();
                for (int i = 0; i < batch && sent < events; i++, sent++) {
                    SimEvent e = world.next(Instant.now());
                    current.add(e);
                    phaseOf.put(e.eventId(), p);
                    producer.send(new ProducerRecord<>(Topics.RAW_EVENTS, e.entityId(), RawEvent.newBuilder()
                            .setEventId(e.eventId()).setSource(e.source()).setEntityId(e.entityId())
                            .setEventTime(e.eventTime()).setAttributes(new HashMap<>(e.attributes())).build()),
                            (m, x) -> count(x));
                }
                Instant now = Instant.now();
                for (SimEvent e : previous) {
                    producer.send(new ProducerRecord<>(Topics.LABELS, e.eventId(), LabelEvent.newBuilder()
                            .setEventId(e.eventId()).setEntityId(e.entityId()).setLabel(e.label())
                            .setLabelTime(now).setUseCase(e.useCase()).build()), (m, x) -> count(x));
                }
                previous = current;
                next += 1_000_000_000L * batch / rate;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
            }
            producer.flush();
        } catch (Throwable t) {
            error = t;
        }
    }

    private void count(Exception e) {
        if (e != null) {
            failed.incrementAndGet();
        }
    }

    void awaitDone(Duration timeout) throws InterruptedException {
        join(timeout.toMillis());
        assertThat(isAlive()).as("the stream still publishing after " + timeout).isFalse();
        assertThat(error).as("the stream's producer").isNull();
    }
}
