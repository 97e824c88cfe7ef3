package dev.brigade.feature.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch of look-ups split by the instance that owns each key, and the answers put back in request order. Pure, so
 * the split and the merge are tested without a second instance.
 *
 * @param here the indices (in the batch) of the look-ups answered here, ascending
 * @param remote per other instance, the indices of the look-ups it owns, ascending; instances in the order of their
 *        first look-up
 * @param <O> how an instance is named
 */
public record LookupRoute<O>(List<Integer> here, Map<O, List<Integer>> remote) {

    /** {@code owners.get(i)}: the instance that owns look-up i, empty when this one. */
    public static <O> LookupRoute<O> of(List<Optional<O>> owners) {
        List<Integer> here = new ArrayList<>();
        Map<O, List<Integer>> remote = new LinkedHashMap<>();
        for (int i = 0; i < owners.size(); i++) {
            Optional<O> owner = owners.get(i);
            if (owner.isPresent()) {
                remote.computeIfAbsent(owner.get(), o -> new ArrayList<>()).add(i);
            } else {
                here.add(i);
            }
        }
        return new LookupRoute<>(List.copyOf(here), remote);
    }

    public int size() {
        return here.size() + remote.values().stream().mapToInt(List::size).sum();
    }

    /**
     * The answers in request order.
     *
     * @param hereAnswers one per index of {@link #here()}, in that order
     * @param remoteAnswers per instance, one per index of its group, in that order
     * @throws IllegalArgumentException when a group's answers do not match its look-ups one to one
     */
    public <R> List<R> merge(List<R> hereAnswers, Map<O, List<R>> remoteAnswers) {
        Object[] merged = new Object[size()];
        place(merged, here, hereAnswers, "here");
        for (Map.Entry<O, List<Integer>> group : remote.entrySet()) {
            place(merged, group.getValue(), remoteAnswers.get(group.getKey()), String.valueOf(group.getKey()));
        }
        if (Arrays.stream(merged).anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("an answer is null");
        }
        @SuppressWarnings("unchecked")
        List<R> answers = (List<R>) Arrays.asList(merged);
        return answers;
    }

    private static <R> void place(Object[] merged, List<Integer> indices, List<R> answers, String where) {
        int got = answers == null ? 0 : answers.size();
        if (got != indices.size()) {
            throw new IllegalArgumentException(where + " gave " + got + " answers to " + indices.size()
                    + " look-ups");
        }
        for (int k = 0; k < indices.size(); k++) {
            merged[indices.get(k)] = answers.get(k);
        }
    }
}
