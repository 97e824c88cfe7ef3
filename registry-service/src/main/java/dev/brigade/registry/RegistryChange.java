package dev.brigade.registry;

import java.time.Instant;
import java.util.List;

/**
 * One change of the registry as the domain sees it: the envelope of every registry-events record (who, when, why)
 * and what changed. The Avro form lives only at the Kafka edge (mapping.RegistryEventMapper).
 */
public record RegistryChange(String eventId, String useCase, Instant occurredAt, String actor, String why,
        Change change) {

    /** What changed. Each kind names the preconditions the fold checks before applying it. */
    public sealed interface Change {
    }

    /** A new spec version; specVersion is the next number of the use case. */
    public record SpecAdded(int specVersion, UseCaseSpec spec, String specSha256) implements Change {
    }

    /** A new model version; version is the next number of the use case. */
    public record VersionAdded(int version, String artifactSha256, long artifactSize, RuntimeContract contract,
            Lineage lineage, EvaluationReport evaluationReport, ReferenceProfile referenceProfile,
            ModelVersion.Role role) implements Change {
    }

    public record GateRecorded(int version, boolean passed, List<GateCheck> checks, Integer championVersion,
            Integer specVersion) implements Change {
    }

    public record ApprovalRecorded(int version, String approver, String comment) implements Change {
    }

    /**
     * fromVersion is the holder the writer saw: the fold refuses the move if the alias has moved since
     * (optimistic concurrency). toVersion null clears the alias.
     */
    public record AliasChanged(Alias alias, Integer fromVersion, Integer toVersion, Double trafficPercent,
            AliasMove.Kind kind) implements Change {
    }

    public record Archived(int version) implements Change {
    }
}
