package dev.brigade.training.listener;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.DriftEvent;
import dev.brigade.events.serde.FiniteNumbers;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.RunRecord;
import dev.brigade.training.config.Channels;
import dev.brigade.training.mapping.RequestMapper;
import dev.brigade.training.service.TrainingCoordinator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumes {@value Topics#DRIFT_EVENTS}: drift asks for a run on the DRIFT signal, a degradation on DEGRADED; the
 * use case's retraining policy then decides, as for any request. An event with a NaN or infinite number goes to
 * drift-events.dlq with the field named, never to the policy.
 */
@ApplicationScoped
public class DriftEventListener {

    private static final Logger LOG = Logger.getLogger(DriftEventListener.class);

    private final Counter consumed;
    private final TrainingCoordinator coordinator;

    DriftEventListener(MeterRegistry registry, TrainingCoordinator coordinator) {
        this.coordinator = coordinator;
        this.consumed = Counter.builder("brigade.events.consumed")
                .description("Events consumed and processed, by topic")
                .tag("topic", Topics.DRIFT_EVENTS)
                .register(registry);
    }

    @Incoming(Channels.DRIFT_EVENTS)
    public void onDrift(DriftEvent event) {
        String nonFinite = FiniteNumbers.firstNonFinite(event);
        if (nonFinite != null) {
            // thrown, so the channel's dead-letter strategy sends it to drift-events.dlq with this reason
            throw new IllegalArgumentException(FiniteNumbers.reason(event, nonFinite));
        }
        MDC.put("eventId", event.getEventId());
        try {
            RunRecord run = coordinator.submit(RequestMapper.fromDrift(event));
            LOG.infof("Drift event %s for %s -> run %s", event.getEventId(), event.getUseCase(), run.runId());
            consumed.increment();
        } finally {
            MDC.remove("eventId");
        }
    }
}
