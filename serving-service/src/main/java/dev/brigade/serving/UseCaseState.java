package dev.brigade.serving;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A use case as the fold of registry-events leaves it: its latest spec, its versions and who holds each alias.
 * This is what the registry says should serve; {@code Deployment} is what actually serves (loaded models only).
 */
public record UseCaseState(String name, UseCaseSpecInfo spec, SortedMap<Integer, ModelVersionInfo> versions,
        Integer champion, Integer canary, Double canaryPercent, Integer shadow, List<Integer> championStack) {

    /** The champion before the current one: kept loaded so a rollback swaps at once. */
    public Optional<Integer> previousChampion() {
        return championStack.size() < 2 ? Optional.empty()
                : Optional.of(championStack.get(championStack.size() - 2));
    }

    /** The newest non-archived version registered with role BASELINE: the last-resort fallback. */
    public Optional<Integer> baseline() {
        return versions.values().stream().filter(v -> v.baseline() && !v.archived()).map(ModelVersionInfo::version)
                .reduce((older, newer) -> newer);
    }

    /** The canary's share of traffic in percent: the alias move's, else the spec's first canary step, else 0. */
    public double effectiveCanaryPercent() {
        if (canaryPercent != null) {
            return canaryPercent;
        }
        return spec == null || spec.canaryPercents().isEmpty() ? 0.0 : spec.canaryPercents().get(0);
    }

    public Optional<Integer> newestVersion() {
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastKey());
    }
}
