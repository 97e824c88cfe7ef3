package dev.brigade.monitor.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a read about a use case is answered when the station runs as several instances: a use case's windows, rule
 * states and costliest errors live on the one instance that owns its key (the observations are repartitioned by use
 * case). Pure, so the decision and the merge are tested without a second instance.
 *
 * @param <O> how an instance is named
 */
public final class UseCaseRouting {

    private UseCaseRouting() {
    }

    /** A use case's owner as this instance sees it: another instance, or this one ({@code here}). */
    public record Owner<O>(O instance, boolean here) {
    }

    public enum Kind {
        /** Answer from the local stores. */
        LOCAL,
        /** Ask the owner, once. */
        FORWARD,
        /** The owner is not known now (a rebalance): answer 503 with Retry-After, never a partial answer. */
        UNAVAILABLE
    }

    public record Decision<O>(Kind kind, O owner, String reason) {
    }

    /**
     * @param owner  empty while the owner is unknown (the app is not running, or rebalancing)
     * @param routed the request was forwarded here by another instance: it is answered here or not at all, so two
     *               instances whose views of the assignment differ for a moment never bounce it between them
     */
    public static <O> Decision<O> decide(Optional<Owner<O>> owner, boolean routed) {
        if (owner.isEmpty()) {
            return new Decision<>(Kind.UNAVAILABLE, null, "the use case's owner is not known now (rebalancing)");
        }
        if (owner.get().here()) {
            return new Decision<>(Kind.LOCAL, owner.get().instance(), null);
        }
        if (routed) {
            return new Decision<>(Kind.UNAVAILABLE, owner.get().instance(),
                    "forwarded here, but " + owner.get().instance() + " owns it now (rebalancing)");
        }
        return new Decision<>(Kind.FORWARD, owner.get().instance(), null);
    }

    /**
     * Use cases split by owner, each list in the given order.
     *
     * @param here    owned here
     * @param remote  per other instance, the use cases it owns (instances in the order of their first use case)
     * @param unknown use cases whose owner is not known now
     */
    public record Split<O>(List<String> here, Map<O, List<String>> remote, List<String> unknown) {
    }

    public static <O> Split<O> split(List<String> useCases, Function<String, Optional<Owner<O>>> owners) {
        List<String> here = new ArrayList<>();
        Map<O, List<String>> remote = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String useCase : useCases) {
            Optional<Owner<O>> owner = owners.apply(useCase);
            if (owner.isEmpty()) {
                unknown.add(useCase);
            } else if (owner.get().here()) {
                here.add(useCase);
            } else {
                remote.computeIfAbsent(owner.get().instance(), o -> new ArrayList<>()).add(useCase);
            }
        }
        return new Split<>(List.copyOf(here), remote, List.copyOf(unknown));
    }

    /** A use case none of the answers covered: its owner changed between the split and the answer. */
    public static final class Missing extends RuntimeException {

        private final String useCase;

        public Missing(String useCase) {
            super("no instance answered for use case " + useCase + " (rebalancing)");
            this.useCase = useCase;
        }

        public String useCase() {
            return useCase;
        }
    }

    /**
     * The per-owner answers put back in the given order. An owner answers for the use cases it owns in its own view;
     * only the entries of the use cases it was asked for count, so a use case two views both claim is not doubled.
     *
     * @param answers per owner (here included), the entries it gave, by use case
     * @param asked   per owner, the use cases it was asked for
     * @throws Missing when the owner asked for a use case did not answer for it
     */
    public static <O, T> List<T> merge(List<String> order, Map<O, Map<String, T>> answers, Map<O, List<String>> asked) {
        Map<String, T> byUseCase = new LinkedHashMap<>();
        asked.forEach((owner, useCases) -> {
            Map<String, T> answer = answers.getOrDefault(owner, Map.of());
            for (String useCase : useCases) {
                T entry = answer.get(useCase);
                if (entry == null) {
                    throw new Missing(useCase);
                }
                byUseCase.put(useCase, entry);
            }
        });
        List<T> out = new ArrayList<>(order.size());
        for (String useCase : order) {
            T entry = byUseCase.get(useCase);
            if (entry == null) {
                throw new Missing(useCase);
            }
            out.add(entry);
        }
        return out;
    }
}
