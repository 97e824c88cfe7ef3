package dev.brigade.training.service;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.brigade.events.TrainingRequested;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.training.TrainingRequest;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.mapping.RequestMapper;

/**
 * Publishes the kitchen's own requests (NEW_DATA) on training-requests keyed by use case, like any requester: the
 * instance that owns the use case's partition runs them, once, whichever instance's trigger asked.
 */
@ApplicationScoped
public class TrainingRequestPublisher {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final EventCodec<TrainingRequested> codec = EventCodec.of(TrainingRequested.class);
    private final long timeoutMillis;

    TrainingRequestPublisher(KafkaClients clients, TopicNames names, TrainingConfig config) {
        this.producer = clients.producer("training-service-requests", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) config.publishTimeout().toMillis()));
        this.topic = names.topic(Topics.TRAINING_REQUESTS);
        this.timeoutMillis = config.publishTimeout().toMillis();
    }

    /** Sends and waits for the broker's acknowledgement (publish-timeout); throws when it does not come. */
    public void publish(TrainingRequest request) {
        try {
            producer.send(new ProducerRecord<>(topic, request.useCase(), codec.encode(RequestMapper.toEvent(request))))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing request " + request.requestId(), e);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish request " + request.requestId() + ": " + e, e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
