package dev.brigade.feature.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.brigade.events.serde.EventCodec;
import dev.brigade.feature.config.FeatureServiceConfig;
import dev.brigade.platform.kafka.TopicNames;

/** Writes accepted intake items to their topic and waits until Kafka acknowledged every one of them. */
@ApplicationScoped
public class IntakeService {

    private final KafkaProducer<String, byte[]> producer;
    private final FeatureServiceConfig config;
    private final TopicNames names;

    IntakeService(KafkaProducer<String, byte[]> producer, FeatureServiceConfig config, TopicNames names) {
        this.producer = producer;
        this.config = config;
        this.names = names;
    }

    /**
     * For each event, empty when acknowledged, else why not. All sends go out before any wait.
     *
     * @param topic the logical topic ({@code Topics}); the install's name is taken here
     */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> List<Optional<String>> publish(String topic, List<T> events,
            Function<T, String> key) {
        String physical = names.topic(topic);
        List<Future<RecordMetadata>> sends = new ArrayList<>(events.size());
        for (T event : events) {
            EventCodec<T> codec = EventCodec.of((Class<T>) event.getClass());
            sends.add(producer.send(new ProducerRecord<>(physical, key.apply(event), codec.encode(event))));
        }
        long deadline = System.nanoTime() + config.intake().ackTimeout().toNanos();
        List<Optional<String>> outcomes = new ArrayList<>(sends.size());
        for (Future<RecordMetadata> send : sends) {
            outcomes.add(await(send, deadline));
        }
        return outcomes;
    }

    private static Optional<String> await(Future<RecordMetadata> send, long deadline) {
        try {
            send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of("Kafka refused the item: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            return Optional.of("Kafka did not acknowledge the item in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while waiting for Kafka");
        }
    }
}
