package dev.brigade.feature.config;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import dev.brigade.platform.kafka.KafkaClients;

/** The one producer the intake and the registrations share, built by the platform factory, closed at shutdown. */
@Singleton
public class SharedProducer {

    private final KafkaClients clients;
    private AutoCloseable metrics = () -> { };

    SharedProducer(KafkaClients clients) {
        this.clients = clients;
    }

    /** Idempotent and acks=all (the factory's defaults): an acknowledged event is on every in-sync replica. */
    @Produces
    @Singleton
    KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> producer = clients.producer("feature-service", Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000));
        metrics = clients.meter(producer);
        return producer;
    }

    void close(@Disposes KafkaProducer<String, byte[]> producer) throws Exception {
        metrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
