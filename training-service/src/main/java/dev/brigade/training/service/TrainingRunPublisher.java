package dev.brigade.training.service;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import dev.brigade.events.TrainingRunEvent;
import dev.brigade.training.config.Channels;
import io.smallrye.reactive.messaging.kafka.Record;

/** Publishes TrainingRunEvent events keyed by run id, as the topic catalogue says; completes when Kafka acked. */
@ApplicationScoped
public class TrainingRunPublisher {

    private final Emitter<Record<String, TrainingRunEvent>> emitter;

    TrainingRunPublisher(@Channel(Channels.TRAINING_RUNS) Emitter<Record<String, TrainingRunEvent>> emitter) {
        this.emitter = emitter;
    }

    public CompletionStage<Void> publish(TrainingRunEvent event) {
        return emitter.send(Record.of(event.getRunId(), event));
    }
}
