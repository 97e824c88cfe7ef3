package dev.brigade.training.listener;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.TrainingRequested;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.config.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumes {@value Topics#TRAINING_REQUESTS}. A record that does not decode never reaches this method: the
 * channel sends it to the topic's dead-letter twin with the reason and moves on (see application.properties).
 * Skeleton of the station's input: the retraining policy and training jobs (issue 5) builds on it.
 */
@ApplicationScoped
public class TrainingRequestListener {

    private static final Logger LOG = Logger.getLogger(TrainingRequestListener.class);

    private final Counter consumed;

    TrainingRequestListener(MeterRegistry registry) {
        this.consumed = Counter.builder("brigade.events.consumed")
                .description("Events consumed and processed, by topic")
                .tag("topic", Topics.TRAINING_REQUESTS)
                .register(registry);
    }

    @Incoming(Channels.TRAINING_REQUESTS)
    public void onTrainingRequested(TrainingRequested event) {
        MDC.put("eventId", event.getRequestId());
        try {
            LOG.debugf("Consumed training request %s", event.getRequestId());
            consumed.increment();
        } finally {
            MDC.remove("eventId");
        }
    }
}
