package dev.brigade.serving.mapping;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.events.ContractInput;
import dev.brigade.events.ModelRole;
import dev.brigade.events.ModelVersionRegistered;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.serving.InputType;
import dev.brigade.serving.ModelVersionInfo;
import dev.brigade.serving.RegistryChange;
import dev.brigade.serving.UseCaseSpecInfo;

/** RegistryEvent (Avro, the Kafka edge) to the serving fold's {@link RegistryChange}. */
public final class RegistryEventMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An event that decodes but that serving cannot use (e.g. a spec that is not JSON). */
    public static final class UnmappableEventException extends RuntimeException {
        UnmappableEventException(String message) {
            super(message);
        }
    }

    private RegistryEventMapper() {
    }

    public static RegistryChange toDomain(RegistryEvent event) {
        Object payload = event.getPayload();
        RegistryChange.Change change;
        if (payload instanceof UseCaseRegistered registered) {
            change = new RegistryChange.SpecRegistered(spec(registered));
        } else if (payload instanceof ModelVersionRegistered registered) {
            change = new RegistryChange.VersionRegistered(version(registered));
        } else if (payload instanceof dev.brigade.events.AliasMoved moved) {
            change = new RegistryChange.AliasMoved(RegistryChange.Alias.valueOf(moved.getAlias().name()),
                    moved.getFromVersion(), moved.getToVersion(), moved.getTrafficPercent(),
                    RegistryChange.MoveKind.valueOf(moved.getKind().name()));
        } else if (payload instanceof dev.brigade.events.VersionArchived archived) {
            change = new RegistryChange.VersionArchived(archived.getVersion());
        } else {
            change = new RegistryChange.Other(payload == null ? "null" : payload.getClass().getSimpleName());
        }
        return new RegistryChange(event.getEventId(), event.getUseCase(), event.getOccurredAt(), change);
    }

    /** Reads the parts of the canonical spec JSON serving needs; the rest is the registry's business. */
    static UseCaseSpecInfo spec(UseCaseRegistered registered) {
        JsonNode spec;
        try {
            spec = JSON.readTree(registered.getSpec());
        } catch (Exception e) {
            throw new UnmappableEventException("spec is not JSON: " + e.getMessage());
        }
        if (spec == null || !spec.isObject()) {
            throw new UnmappableEventException("spec is not a JSON object");
        }
        double budget = spec.path("serving").path("latencyBudgetMs").asDouble(0);
        List<Double> canary = new ArrayList<>();
        for (JsonNode step : spec.path("promotionPolicy").path("rollout")) {
            if ("canary".equals(step.path("alias").asText()) && step.path("trafficPercent").isNumber()) {
                canary.add(step.path("trafficPercent").asDouble());
            }
        }
        String owner = spec.path("owners").path("deploy").asText(null);
        UseCaseSpecInfo.ServingMode mode = "batch".equalsIgnoreCase(spec.path("serving").path("mode").asText(""))
                ? UseCaseSpecInfo.ServingMode.BATCH : UseCaseSpecInfo.ServingMode.ONLINE;
        return new UseCaseSpecInfo(registered.getSpecVersion(), registered.getTaskType().name(),
                registered.getFeatureSet(), registered.getFeatureSetVersion(), budget, List.copyOf(canary),
                owner == null ? "unknown" : owner, mode);
    }

    static ModelVersionInfo version(ModelVersionRegistered registered) {
        List<dev.brigade.serving.ContractInput> inputs = new ArrayList<>();
        for (ContractInput input : registered.getContract().getInputs()) {
            InputType type = switch (input.getValueType()) {
                case BOOLEAN -> InputType.BOOLEAN;
                case LONG -> InputType.LONG;
                case DOUBLE -> InputType.DOUBLE;
                default -> throw new UnmappableEventException("input " + input.getName() + " has type "
                        + input.getValueType() + ", which a model artifact cannot take");
            };
            inputs.add(new dev.brigade.serving.ContractInput(input.getName(), type));
        }
        return new ModelVersionInfo(registered.getVersion(), registered.getArtifactSha256(),
                registered.getArtifactSize(), List.copyOf(inputs), registered.getContract().getLatencyBudgetMillis(),
                registered.getLineage().getFeatureSet(), registered.getLineage().getFeatureSetVersion(),
                registered.getRole() == ModelRole.BASELINE, false);
    }
}
