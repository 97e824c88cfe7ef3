package dev.brigade.monitor.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.brigade.events.AlertEvent;
import dev.brigade.monitor.config.Channels;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Publishes AlertEvent events, keyed as the topic catalogue says; completes when Kafka acknowledged. */
@ApplicationScoped
public class AlertPublisher {

    @Inject
    @Channel(Channels.ALERTS)
    Emitter<AlertEvent> emitter;

    public CompletionStage<Void> publish(AlertEvent event) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.getUseCase())
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
