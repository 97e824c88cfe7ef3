package dev.brigade.serving;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What serves a use case right now: loaded models only, swapped as one immutable value so a request sees one
 * consistent set. champion may differ from the registry's champion while a new one loads (or failed to load): the
 * last good one keeps serving.
 *
 * @param champion null when no champion is loaded (then the baseline answers, if there is one)
 * @param canaryPercent share of entities (by a stable hash) routed to the canary, 0 to 100
 */
public record Deployment(String useCase, UseCaseState state, LoadedModel champion, LoadedModel canary,
        double canaryPercent, LoadedModel shadow, LoadedModel baseline, LoadedModel previousChampion,
        List<String> notes) {

    /** The latency budget the feature look-up takes its share of; 0 when the spec has none. */
    public double latencyBudgetMs() {
        return state.spec() == null ? 0 : state.spec().latencyBudgetMs();
    }

    public boolean canServe() {
        return champion != null || baseline != null;
    }

    /** The loaded models (a version holding two roles comes twice). */
    public Stream<LoadedModel> models() {
        return Stream.of(champion, canary, shadow, baseline, previousChampion).filter(Objects::nonNull);
    }
}
