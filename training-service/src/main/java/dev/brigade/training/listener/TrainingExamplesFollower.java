package dev.brigade.training.listener;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.FiniteNumbers;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.service.ExampleTally;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Follows training-examples from the beginning (a platform replay: no consumer group, read_committed) into the
 * {@link ExampleTally} the NEW_DATA trigger counts with, and owns the topic's dead letters: an example that does not
 * decode, or carries a NaN or infinite number, goes to training-examples.dlq once and the follower moves on. So it
 * runs even when the trigger is off; the tally then stays empty.
 */
@ApplicationScoped
public class TrainingExamplesFollower {

    private final ExampleTally tally = new ExampleTally();
    private final KafkaClients clients;
    private final TopicNames names;
    private final boolean tallying;
    private TopicReplay<TrainingExample> replay;

    TrainingExamplesFollower(KafkaClients clients, TopicNames names, TrainingConfig config) {
        this.clients = clients;
        this.names = names;
        this.tallying = config.newData().enabled();
    }

    @Produces
    @Singleton
    ExampleTally tally() {
        return tally;
    }

    void start(@Observes StartupEvent event) {
        replay = new TopicReplay<>(clients, "training-service-example-tally",
                names.topic(Topics.TRAINING_EXAMPLES),
                TrainingExample.class, (example, record) -> {
                    String nonFinite = FiniteNumbers.firstNonFinite(example);
                    if (nonFinite != null) {
                        // Flagged for the data owner; a run still sees it (a NaN feature as missing, a NaN label
                        // fails the run naming how many), so bad labels stop training loudly, not silently
                        throw new IllegalArgumentException(FiniteNumbers.reason(example, nonFinite));
                    }
                    if (tallying) {
                        tally.record(example.getFeatureSet(), example.getFeatureSetVersion(), example.getUseCase(),
                                record.partition(), record.offset());
                    }
                }).ownDeadLetters().start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (replay != null) {
            replay.close();
        }
    }
}
