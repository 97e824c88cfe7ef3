package dev.brigade.serving.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.brigade.serving.ModelVersionInfo;
import dev.brigade.serving.RegistryChange;
import dev.brigade.serving.RegistryChange.Alias;
import dev.brigade.serving.RegistryChange.AliasMoved;
import dev.brigade.serving.UseCaseState;

/**
 * Folds one registry change into a use case's state, with the registry's own structural rules (versions numbered
 * in order, an alias move must start from the holder the writer saw, a rollback goes to the previous champion, a
 * version holds one alias at a time). A change the registry's replay would refuse is refused here too, so serving
 * and registry agree on the state even when the log holds a refused record.
 */
public final class UseCaseFold {

    /** The result of one change. */
    public sealed interface Outcome permits Applied, Refused {
    }

    public record Applied(UseCaseState state) implements Outcome {
    }

    public record Refused(String reason) implements Outcome {
    }

    private UseCaseFold() {
    }

    /** @param current null before the use case's first event */
    public static Outcome apply(UseCaseState current, RegistryChange change) {
        RegistryChange.Change c = change.change();
        if (c instanceof RegistryChange.SpecRegistered spec) {
            if (current == null) {
                return new Applied(new UseCaseState(change.useCase(), spec.spec(), new TreeMap<>(), null, null, null,
                        null, List.of()));
            }
            return new Applied(new UseCaseState(current.name(), spec.spec(), current.versions(), current.champion(),
                    current.canary(), current.canaryPercent(), current.shadow(), current.championStack()));
        }
        if (current == null) {
            return new Refused("use case " + change.useCase() + " is not registered");
        }
        if (c instanceof RegistryChange.VersionRegistered registered) {
            ModelVersionInfo v = registered.version();
            int expected = current.versions().isEmpty() ? 1 : current.versions().lastKey() + 1;
            if (v.version() != expected) {
                return new Refused("version " + v.version() + " out of sequence, expected " + expected);
            }
            SortedMap<Integer, ModelVersionInfo> versions = new TreeMap<>(current.versions());
            versions.put(v.version(), v);
            return new Applied(with(current, versions));
        }
        if (c instanceof RegistryChange.VersionArchived archived) {
            ModelVersionInfo v = current.versions().get(archived.version());
            if (v == null || v.archived()) {
                return new Refused("archive of " + (v == null ? "unknown" : "archived") + " version "
                        + archived.version());
            }
            if (holds(current, v.version())) {
                return new Refused("archive of version " + v.version() + " while it holds an alias");
            }
            SortedMap<Integer, ModelVersionInfo> versions = new TreeMap<>(current.versions());
            versions.put(v.version(), v.archive());
            return new Applied(with(current, versions));
        }
        if (c instanceof AliasMoved move) {
            return moved(current, move);
        }
        return new Applied(current);
    }

    private static Outcome moved(UseCaseState current, AliasMoved move) {
        Integer holding = holder(current, move.alias());
        if (!Objects.equals(holding, move.fromVersion())) {
            return new Refused(move.alias() + " moved since the writer looked: it is v" + holding
                    + ", the change expected v" + move.fromVersion());
        }
        List<Integer> stack = new ArrayList<>(current.championStack());
        Integer next;
        Double percent = null;
        switch (move.kind()) {
            case CLEAR -> {
                if (move.toVersion() != null || move.alias() == Alias.CHAMPION) {
                    return new Refused("clear must name no version and cannot clear the champion");
                }
                next = null;
            }
            case PROMOTE -> {
                ModelVersionInfo target = current.versions().get(move.toVersion());
                if (target == null || target.archived()) {
                    return new Refused("promotion to " + (target == null ? "unknown" : "archived") + " version "
                            + move.toVersion());
                }
                next = target.version();
                percent = move.alias() == Alias.CANARY ? move.trafficPercent() : null;
                if (move.alias() == Alias.CHAMPION) {
                    stack.add(next);
                }
            }
            case ROLLBACK -> {
                Integer previous = current.previousChampion().orElse(null);
                if (move.alias() != Alias.CHAMPION || previous == null || !previous.equals(move.toVersion())) {
                    return new Refused("rollback must move champion to the previous champion v" + previous);
                }
                stack.remove(stack.size() - 1);
                next = previous;
            }
            default -> throw new IllegalStateException("unknown move kind " + move.kind());
        }
        Integer champion = current.champion();
        Integer canary = current.canary();
        Double canaryPercent = current.canaryPercent();
        Integer shadow = current.shadow();
        // A version holds at most one alias: moving it to one takes it off any other.
        if (next != null) {
            champion = next.equals(champion) ? null : champion;
            if (next.equals(canary)) {
                canary = null;
                canaryPercent = null;
            }
            shadow = next.equals(shadow) ? null : shadow;
        }
        switch (move.alias()) {
            case CHAMPION -> champion = next;
            case CANARY -> {
                canary = next;
                canaryPercent = next == null ? null : percent;
            }
            case SHADOW -> shadow = next;
            default -> throw new IllegalStateException();
        }
        return new Applied(new UseCaseState(current.name(), current.spec(), current.versions(), champion, canary,
                canaryPercent, shadow, List.copyOf(stack)));
    }

    private static Integer holder(UseCaseState state, Alias alias) {
        return switch (alias) {
            case CHAMPION -> state.champion();
            case CANARY -> state.canary();
            case SHADOW -> state.shadow();
        };
    }

    private static boolean holds(UseCaseState state, int version) {
        return Objects.equals(state.champion(), version) || Objects.equals(state.canary(), version)
                || Objects.equals(state.shadow(), version);
    }

    private static UseCaseState with(UseCaseState s, SortedMap<Integer, ModelVersionInfo> versions) {
        return new UseCaseState(s.name(), s.spec(), versions, s.champion(), s.canary(), s.canaryPercent(), s.shadow(),
                s.championStack());
    }
}
