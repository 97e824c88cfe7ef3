package dev.brigade.training.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.brigade.events.TrainingRunEvent;
import dev.brigade.training.config.Channels;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Publishes TrainingRunEvent events, keyed as the topic catalogue says; completes when Kafka acknowledged. */
@ApplicationScoped
public class TrainingRunPublisher {

    private final Emitter<TrainingRunEvent> emitter;

    TrainingRunPublisher(@Channel(Channels.TRAINING_RUNS) Emitter<TrainingRunEvent> emitter) {
        this.emitter = emitter;
    }

    public CompletionStage<Void> publish(TrainingRunEvent event) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.getRunId())
                .build();
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        emitter.send(Message.of(event)
                .addMetadata(metadata)
                .withAck(() -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return acknowledged;
    }
}
