package dev.brigade.training;

import java.time.Instant;
import java.util.Map;

import dev.brigade.events.TrainingReason;

/**
 * A request for a run, from training-requests, drift-events or the REST API.
 *
 * @param causeEventId the drift or alert event behind it, if any
 * @param hyperparameterOverrides parameters to change for this run only, by name
 */
public record TrainingRequest(String requestId, String useCase, TrainingReason reason, String causeEventId,
        Instant requestedAt, String requestedBy, Map<String, String> hyperparameterOverrides) {

    public TrainingRequest {
        hyperparameterOverrides = Map.copyOf(hyperparameterOverrides);
    }
}
