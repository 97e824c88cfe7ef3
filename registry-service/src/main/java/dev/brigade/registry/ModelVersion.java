package dev.brigade.registry;

import java.time.Instant;
import java.util.List;

/**
 * A registered model version of a use case, as the fold of registry-events knows it.
 *
 * @param gate the latest gate evaluated on it (registration evaluates one), or null
 * @param archivedAt when it was archived (never promoted again), or null
 */
public record ModelVersion(int version, String artifactSha256, long artifactSize, RuntimeContract contract,
        Lineage lineage, EvaluationReport evaluationReport, ReferenceProfile referenceProfile, Role role,
        Instant registeredAt, String registeredBy, String why, String eventId, GateResult gate,
        List<Approval> approvals, Instant archivedAt, String archivedBy, String archiveReason) {

    /** BASELINE marks a simple reference model registered for comparison; CANDIDATE is any trained model. */
    public enum Role {
        CANDIDATE, BASELINE
    }

    public boolean archived() {
        return archivedAt != null;
    }

    public boolean gatePassed() {
        return gate != null && gate.passed();
    }

    public ModelVersion withGate(GateResult result) {
        return new ModelVersion(version, artifactSha256, artifactSize, contract, lineage, evaluationReport,
                referenceProfile, role, registeredAt, registeredBy, why, eventId, result, approvals, archivedAt,
                archivedBy, archiveReason);
    }

    public ModelVersion withApproval(Approval approval) {
        List<Approval> all = new java.util.ArrayList<>(approvals);
        all.add(approval);
        return new ModelVersion(version, artifactSha256, artifactSize, contract, lineage, evaluationReport,
                referenceProfile, role, registeredAt, registeredBy, why, eventId, gate, List.copyOf(all), archivedAt,
                archivedBy, archiveReason);
    }

    public ModelVersion archived(Instant at, String by, String reason) {
        return new ModelVersion(version, artifactSha256, artifactSize, contract, lineage, evaluationReport,
                referenceProfile, role, registeredAt, registeredBy, why, eventId, gate, approvals, at, by, reason);
    }
}
