package dev.brigade.feature.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.brigade.events.FeatureVector;
import dev.brigade.feature.config.Channels;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Publishes FeatureVector events, keyed as the topic catalogue says; completes when Kafka acknowledged. */
@ApplicationScoped
public class FeatureVectorPublisher {

    @Inject
    @Channel(Channels.FEATURE_VECTORS)
    Emitter<FeatureVector> emitter;

    public CompletionStage<Void> publish(FeatureVector event) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.getEventId())
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
