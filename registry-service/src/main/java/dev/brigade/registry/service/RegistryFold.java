package dev.brigade.registry.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasHolder;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.Approval;
import dev.brigade.registry.GateResult;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.RegistryChange.AliasChanged;
import dev.brigade.registry.RegistryChange.ApprovalRecorded;
import dev.brigade.registry.RegistryChange.Archived;
import dev.brigade.registry.RegistryChange.GateRecorded;
import dev.brigade.registry.RegistryChange.SpecAdded;
import dev.brigade.registry.RegistryChange.VersionAdded;
import dev.brigade.registry.SpecVersion;
import dev.brigade.registry.UseCase;

/**
 * The registry's state as a pure function of registry-events: apply one change to one use case. It checks the
 * structural preconditions each change names (numbering, existence, the alias holder the writer saw), never
 * business policy (which may change between code versions and must not make replays forget history). A change
 * that does not apply is refused with a reason; the replay dead-letters it and moves on, and since the fold is
 * deterministic every replay refuses the same records.
 */
public final class RegistryFold {

    private RegistryFold() {
    }

    public sealed interface Outcome {
    }

    public record Applied(UseCase state) implements Outcome {
    }

    public record Rejected(String reason) implements Outcome {
    }

    /** @param current the use case before the change, or null if the log has not seen it yet */
    public static Outcome apply(UseCase current, RegistryChange change) {
        if (change.change() instanceof SpecAdded spec) {
            return specAdded(current, change, spec);
        }
        if (current == null) {
            return new Rejected("use case " + change.useCase() + " has no registered spec");
        }
        if (change.change() instanceof VersionAdded version) {
            return versionAdded(current, change, version);
        }
        if (change.change() instanceof GateRecorded gate) {
            return gateRecorded(current, change, gate);
        }
        if (change.change() instanceof ApprovalRecorded approval) {
            return approvalRecorded(current, change, approval);
        }
        if (change.change() instanceof AliasChanged move) {
            return aliasChanged(current, change, move);
        }
        if (change.change() instanceof Archived archived) {
            return archived(current, change, archived);
        }
        return new Rejected("unknown change " + change.change().getClass().getSimpleName());
    }

    private static Outcome specAdded(UseCase current, RegistryChange change, SpecAdded spec) {
        int expected = current == null ? 1 : current.specs().size() + 1;
        if (spec.specVersion() != expected) {
            return new Rejected("spec version " + spec.specVersion() + " where " + expected + " comes next");
        }
        if (!change.useCase().equals(spec.spec().name())) {
            return new Rejected("spec names " + spec.spec().name() + " on the key of " + change.useCase());
        }
        SpecVersion added = new SpecVersion(spec.specVersion(), spec.spec(), spec.specSha256(), change.occurredAt(),
                change.actor(), change.why(), change.eventId());
        if (current == null) {
            return new Applied(new UseCase(change.useCase(), List.of(added), List.of(), null, null, null, List.of(),
                    List.of()));
        }
        return new Applied(new UseCase(current.name(), append(current.specs(), added), current.versions(),
                current.champion(), current.canary(), current.shadow(), current.championStack(),
                current.aliasHistory()));
    }

    private static Outcome versionAdded(UseCase current, RegistryChange change, VersionAdded v) {
        if (v.version() != current.nextVersion()) {
            return new Rejected("model version " + v.version() + " where " + current.nextVersion() + " comes next");
        }
        ModelVersion added = new ModelVersion(v.version(), v.artifactSha256(), v.artifactSize(), v.contract(),
                v.lineage(), v.evaluationReport(), v.referenceProfile(), v.role(), change.occurredAt(),
                change.actor(), change.why(), change.eventId(), null, List.of(), null, null, null);
        return new Applied(new UseCase(current.name(), current.specs(), append(current.versions(), added),
                current.champion(), current.canary(), current.shadow(), current.championStack(),
                current.aliasHistory()));
    }

    private static Outcome gateRecorded(UseCase current, RegistryChange change, GateRecorded gate) {
        ModelVersion version = current.version(gate.version()).orElse(null);
        if (version == null) {
            return new Rejected("gate for unknown version " + gate.version());
        }
        GateResult result = new GateResult(gate.passed(), gate.checks(), gate.championVersion(), gate.specVersion(),
                change.occurredAt());
        return new Applied(replace(current, version.withGate(result)));
    }

    private static Outcome approvalRecorded(UseCase current, RegistryChange change, ApprovalRecorded approval) {
        ModelVersion version = current.version(approval.version()).orElse(null);
        if (version == null || version.archived()) {
            return new Rejected("approval for " + (version == null ? "unknown" : "archived") + " version "
                    + approval.version());
        }
        Approval given = new Approval(approval.approver(), approval.comment(), change.occurredAt(), change.eventId());
        return new Applied(replace(current, version.withApproval(given)));
    }

    private static Outcome archived(UseCase current, RegistryChange change, Archived archived) {
        ModelVersion version = current.version(archived.version()).orElse(null);
        if (version == null || version.archived()) {
            return new Rejected("archive of " + (version == null ? "unknown" : "archived") + " version "
                    + archived.version());
        }
        if (current.aliasOf(archived.version()).isPresent()) {
            return new Rejected("archive of version " + archived.version() + " while it is "
                    + current.aliasOf(archived.version()).get().wire());
        }
        return new Applied(replace(current, version.archived(change.occurredAt(), change.actor(), change.why())));
    }

    private static Outcome aliasChanged(UseCase current, RegistryChange change, AliasChanged move) {
        AliasHolder holder = current.holder(move.alias());
        Integer holding = holder == null ? null : holder.version();
        if (!Objects.equals(holding, move.fromVersion())) {
            return new Rejected(move.alias().wire() + " moved since the writer looked: it is v" + holding
                    + ", the change expected v" + move.fromVersion());
        }
        List<Integer> stack = new ArrayList<>(current.championStack());
        AliasHolder next;
        switch (move.kind()) {
            case CLEAR -> {
                if (move.toVersion() != null || move.alias() == Alias.CHAMPION) {
                    return new Rejected("clear must name no version and cannot clear the champion");
                }
                next = null;
            }
            case PROMOTE -> {
                ModelVersion target = move.toVersion() == null ? null : current.version(move.toVersion()).orElse(null);
                if (target == null || target.archived()) {
                    return new Rejected("promotion to " + (target == null ? "unknown" : "archived") + " version "
                            + move.toVersion());
                }
                next = new AliasHolder(target.version(), move.alias() == Alias.CANARY ? move.trafficPercent() : null,
                        change.occurredAt());
                if (move.alias() == Alias.CHAMPION) {
                    stack.add(target.version());
                }
            }
            case ROLLBACK -> {
                Integer previous = current.previousChampion().orElse(null);
                if (move.alias() != Alias.CHAMPION || previous == null || !previous.equals(move.toVersion())) {
                    return new Rejected("rollback must move champion to the previous champion v" + previous);
                }
                stack.remove(stack.size() - 1);
                next = new AliasHolder(previous, null, change.occurredAt());
            }
            default -> throw new IllegalStateException("unknown alias move kind " + move.kind());
        }
        AliasHolder champion = current.champion();
        AliasHolder canary = current.canary();
        AliasHolder shadow = current.shadow();
        // A version holds at most one alias: moving it to one takes it off any other.
        if (next != null) {
            champion = releases(champion, next.version());
            canary = releases(canary, next.version());
            shadow = releases(shadow, next.version());
        }
        switch (move.alias()) {
            case CHAMPION -> champion = next;
            case CANARY -> canary = next;
            case SHADOW -> shadow = next;
            default -> throw new IllegalStateException();
        }
        AliasMove entry = new AliasMove(change.eventId(), change.occurredAt(), change.actor(), change.why(),
                move.alias(), move.kind(), move.fromVersion(), move.toVersion(), next == null ? null
                        : next.trafficPercent());
        return new Applied(new UseCase(current.name(), current.specs(), current.versions(), champion, canary, shadow,
                List.copyOf(stack), append(current.aliasHistory(), entry)));
    }

    private static AliasHolder releases(AliasHolder holder, int version) {
        return holder != null && holder.version() == version ? null : holder;
    }

    private static UseCase replace(UseCase current, ModelVersion version) {
        List<ModelVersion> versions = new ArrayList<>(current.versions());
        versions.set(version.version() - 1, version);
        return new UseCase(current.name(), current.specs(), List.copyOf(versions), current.champion(),
                current.canary(), current.shadow(), current.championStack(), current.aliasHistory());
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return List.copyOf(copy);
    }
}
