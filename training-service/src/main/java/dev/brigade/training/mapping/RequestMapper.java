package dev.brigade.training.mapping;

import java.util.Map;

import dev.brigade.events.DriftEvent;
import dev.brigade.events.PerformanceDegraded;
import dev.brigade.events.TrainingReason;
import dev.brigade.events.TrainingRequested;
import dev.brigade.training.TrainingRequest;

/** Requests from the Kafka edge (training-requests, drift-events) as the kitchen's own request, and back. */
public final class RequestMapper {

    private RequestMapper() {
    }

    public static TrainingRequest fromEvent(TrainingRequested e) {
        return new TrainingRequest(e.getRequestId(), e.getUseCase(), e.getReason(), e.getCauseEventId(),
                e.getRequestedAt(), e.getRequestedBy(), e.getHyperparameterOverrides());
    }

    /** A request the kitchen raises itself (NEW_DATA), to publish on training-requests. */
    public static TrainingRequested toEvent(TrainingRequest r) {
        return TrainingRequested.newBuilder().setRequestId(r.requestId()).setUseCase(r.useCase())
                .setReason(r.reason()).setCauseEventId(r.causeEventId()).setRequestedAt(r.requestedAt())
                .setRequestedBy(r.requestedBy()).setHyperparameterOverrides(r.hyperparameterOverrides()).build();
    }

    /** A drift event asks for a run on the DRIFT signal, a degradation on DEGRADED; the event is its cause. */
    public static TrainingRequest fromDrift(DriftEvent e) {
        TrainingReason reason = e.getPayload() instanceof PerformanceDegraded ? TrainingReason.DEGRADED
                : TrainingReason.DRIFT;
        return new TrainingRequest("drift-" + e.getEventId(), e.getUseCase(), reason, e.getEventId(),
                e.getOccurredAt(), "monitor-service", Map.of());
    }
}
