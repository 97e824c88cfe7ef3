package dev.brigade.registry.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.UseCase;

/**
 * The fold of registry-events held in memory: one immutable {@link UseCase} per name, replaced as changes apply.
 * One thread applies (the replay); any thread reads and always sees a whole use case.
 */
public final class RegistryState {

    private final Map<String, UseCase> useCases = new ConcurrentHashMap<>();
    private volatile Instant lastOccurredAt = Instant.EPOCH;

    public RegistryFold.Outcome apply(RegistryChange change) {
        RegistryFold.Outcome outcome = RegistryFold.apply(useCases.get(change.useCase()), change);
        if (outcome instanceof RegistryFold.Applied applied) {
            useCases.put(change.useCase(), applied.state());
            if (change.occurredAt().isAfter(lastOccurredAt)) {
                lastOccurredAt = change.occurredAt();
            }
        }
        return outcome;
    }

    public Optional<UseCase> useCase(String name) {
        return Optional.ofNullable(useCases.get(name));
    }

    public List<UseCase> all() {
        return List.copyOf(snapshot().values());
    }

    /** A sorted copy, equal to another state's snapshot when both folded the same log. */
    public SortedMap<String, UseCase> snapshot() {
        return new TreeMap<>(useCases);
    }

    /** The latest event time applied; the writer never stamps an earlier one, so history stays in time order. */
    public Instant lastOccurredAt() {
        return lastOccurredAt;
    }
}
