package dev.brigade.serving.service;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.brigade.events.ScoreProduced;
import dev.brigade.serving.config.Channels;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * ScoreProduced to the scores topic (key event id, idempotent producer, acks=all). Unlike the prediction log, a
 * caller waits for Kafka's acknowledgement: a scoring request is committed, and a job counts a score, only once its
 * score is on the topic. Callers bound what they have in flight (batch.max-in-flight, batch.jobs.max-in-flight).
 */
@ApplicationScoped
public class ScorePublisher {

    private final MutinyEmitter<ScoreProduced> emitter;

    ScorePublisher(@Channel(Channels.SCORES) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<ScoreProduced> emitter) {
        this.emitter = emitter;
    }

    /** Completes when Kafka acknowledged the score; exceptionally when it did not. */
    public CompletionStage<Void> publish(ScoreProduced score) {
        return emitter.sendMessage(Message.of(score)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(score.getEventId()).build()))
                .subscribeAsCompletionStage();
    }
}
