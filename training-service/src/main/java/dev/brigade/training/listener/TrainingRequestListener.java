package dev.brigade.training.listener;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.TrainingRequested;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.RunRecord;
import dev.brigade.training.config.Channels;
import dev.brigade.training.mapping.RequestMapper;
import dev.brigade.training.service.TrainingCoordinator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumes {@value Topics#TRAINING_REQUESTS}: each request becomes a run or joins its use case's live run. A
 * record that does not decode never reaches this method: the channel sends it to the topic's dead-letter twin with
 * the reason and moves on (see application.properties).
 */
@ApplicationScoped
public class TrainingRequestListener {

    private static final Logger LOG = Logger.getLogger(TrainingRequestListener.class);

    private final Counter consumed;
    private final TrainingCoordinator coordinator;

    TrainingRequestListener(MeterRegistry registry, TrainingCoordinator coordinator) {
        this.coordinator = coordinator;
        this.consumed = Counter.builder("brigade.events.consumed")
                .description("Events consumed and processed, by topic")
                .tag("topic", Topics.TRAINING_REQUESTS)
                .register(registry);
    }

    @Incoming(Channels.TRAINING_REQUESTS)
    public void onTrainingRequested(TrainingRequested event) {
        MDC.put("eventId", event.getRequestId());
        try {
            RunRecord run = coordinator.submit(RequestMapper.fromEvent(event));
            LOG.infof("Training request %s for %s -> run %s", event.getRequestId(), event.getUseCase(),
                    run.runId());
            consumed.increment();
        } finally {
            MDC.remove("eventId");
        }
    }
}
