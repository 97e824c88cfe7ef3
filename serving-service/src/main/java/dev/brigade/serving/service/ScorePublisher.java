package dev.brigade.serving.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.brigade.events.ScoreProduced;
import dev.brigade.serving.config.Channels;

/**
 * ScoreProduced to the scores topic (key event id, idempotent producer, acks=all). Unlike the prediction log, a
 * caller waits for Kafka's acknowledgement: a scoring request is committed, and a job counts a score, only once its
 * score is on the topic. Callers bound what they have in flight (batch.max-in-flight, batch.jobs.max-in-flight).
 */
@ApplicationScoped
public class ScorePublisher {

    @Inject
    @Channel(Channels.SCORES)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<ScoreProduced> emitter;

    /** Completes when Kafka acknowledged the score; exceptionally when it did not. */
    public CompletionStage<Void> publish(ScoreProduced score) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            emitter.send(Message.of(score)
                    .addMetadata(io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata.<String>builder()
                            .withKey(score.getEventId()).build())
                    .withAck(() -> {
                        acknowledged.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        acknowledged.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }
}
