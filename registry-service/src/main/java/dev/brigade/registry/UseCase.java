package dev.brigade.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the registry knows about one use case: the fold of its registry-events records. Immutable: the fold
 * replaces it on every change, so a reader always sees one consistent state.
 *
 * @param championStack champions in promotion order; a rollback pops the top, so the previous champion is below it
 */
public record UseCase(String name, List<SpecVersion> specs, List<ModelVersion> versions, AliasHolder champion,
        AliasHolder canary, AliasHolder shadow, List<Integer> championStack, List<AliasMove> aliasHistory) {

    public SpecVersion latestSpec() {
        return specs.get(specs.size() - 1);
    }

    public Optional<SpecVersion> spec(int version) {
        return version >= 1 && version <= specs.size() ? Optional.of(specs.get(version - 1)) : Optional.empty();
    }

    public Optional<ModelVersion> version(int version) {
        return version >= 1 && version <= versions.size() ? Optional.of(versions.get(version - 1)) : Optional.empty();
    }

    public int nextVersion() {
        return versions.size() + 1;
    }

    public AliasHolder holder(Alias alias) {
        return switch (alias) {
            case CHAMPION -> champion;
            case CANARY -> canary;
            case SHADOW -> shadow;
        };
    }

    /** The alias a version holds; a version holds at most one. */
    public Optional<Alias> aliasOf(int version) {
        for (Alias alias : Alias.values()) {
            AliasHolder holder = holder(alias);
            if (holder != null && holder.version() == version) {
                return Optional.of(alias);
            }
        }
        return Optional.empty();
    }

    public Optional<Integer> championVersion() {
        return champion == null ? Optional.empty() : Optional.of(champion.version());
    }

    /** The champion a rollback returns to. */
    public Optional<Integer> previousChampion() {
        return championStack.size() < 2 ? Optional.empty() : Optional.of(championStack.get(championStack.size() - 2));
    }

    /** Which version was champion at an instant, from the alias history. */
    public Optional<Integer> championAt(Instant at) {
        Integer version = null;
        for (AliasMove move : aliasHistory) {
            // Log order decides between moves of the same instant; the writer keeps event times non-decreasing.
            if (move.alias() == Alias.CHAMPION && !move.at().isAfter(at)) {
                version = move.toVersion();
            }
        }
        return Optional.ofNullable(version);
    }
}
