package dev.brigade.training.listener;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.DriftEvent;
import dev.brigade.events.TrainingRequested;
import dev.brigade.events.serde.FiniteNumbers;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.RunRecord;
import dev.brigade.training.TrainingRequest;
import dev.brigade.training.config.Channels;
import dev.brigade.training.mapping.RequestMapper;
import dev.brigade.training.service.TrainingCoordinator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumes the requests from Kafka; each becomes a run or joins its use case's live run. {@value
 * Topics#TRAINING_REQUESTS}: TrainingRequested as it is. {@value Topics#DRIFT_EVENTS}: drift asks for a run on the
 * DRIFT signal, a degradation on DEGRADED; the use case's retraining policy then decides, as for any request. A
 * record that does not decode never reaches these methods, and a drift event with a NaN or infinite number is
 * refused here: the channel sends either to the topic's dead-letter twin with the reason and moves on (see
 * application.properties), never to the policy.
 */
@ApplicationScoped
public class RequestListener {

    private static final Logger LOG = Logger.getLogger(RequestListener.class);

    private final TrainingCoordinator coordinator;
    private final Counter requests;
    private final Counter drift;

    RequestListener(MeterRegistry registry, TrainingCoordinator coordinator) {
        this.coordinator = coordinator;
        this.requests = consumed(registry, Topics.TRAINING_REQUESTS);
        this.drift = consumed(registry, Topics.DRIFT_EVENTS);
    }

    @Incoming(Channels.TRAINING_REQUESTS)
    public void onTrainingRequested(TrainingRequested event) {
        submit("Training request", event.getRequestId(), () -> RequestMapper.fromEvent(event), requests);
    }

    @Incoming(Channels.DRIFT_EVENTS)
    public void onDrift(DriftEvent event) {
        String nonFinite = FiniteNumbers.firstNonFinite(event);
        if (nonFinite != null) {
            // thrown, so the channel's dead-letter strategy sends it to drift-events.dlq with this reason
            throw new IllegalArgumentException(FiniteNumbers.reason(event, nonFinite));
        }
        submit("Drift event", event.getEventId(), () -> RequestMapper.fromDrift(event), drift);
    }

    private void submit(String what, String eventId, Supplier<TrainingRequest> request, Counter consumed) {
        MDC.put("eventId", eventId);
        try {
            TrainingRequest asked = request.get();
            RunRecord run = coordinator.submit(asked);
            LOG.infof("%s %s for %s -> run %s", what, eventId, asked.useCase(), run.runId());
            consumed.increment();
        } finally {
            MDC.remove("eventId");
        }
    }

    private static Counter consumed(MeterRegistry registry, String topic) {
        return Counter.builder("brigade.events.consumed").description("Events consumed and processed, by topic")
                .tag("topic", topic).register(registry);
    }
}
