package dev.brigade.registry.service;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.events.topics.Topics;
import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.GateCheck;
import dev.brigade.registry.GateResult;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.listener.RegistryLogReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The registry's counters. Writes are counted by the instance that made them (a replay does not count them
 * again); the replay counts what it folded and refused.
 */
@ApplicationScoped
public class RegistryMetrics implements RegistryLogReader.Listener {

    private final MeterRegistry registry;
    private final Counter consumed;

    RegistryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.consumed = Counter.builder("brigade.events.consumed")
                .description("Events consumed and applied, by topic")
                .tag("topic", Topics.REGISTRY_EVENTS)
                .register(registry);
    }

    @Override
    public void applied(RegistryChange change) {
        consumed.increment();
    }

    @Override
    public void refused(String reason) {
        registry.counter("brigade.registry.replay.refused", "reason", reason).increment();
    }

    public void registered(String kind) {
        registry.counter("brigade.registry.registrations", "kind", kind).increment();
    }

    public void gate(GateResult gate) {
        registry.counter("brigade.registry.gates", "outcome", gate.passed() ? "passed" : "failed").increment();
        for (GateCheck check : gate.checks()) {
            registry.counter("brigade.registry.gate.checks", "check", check.name(), "outcome",
                    check.outcome().name().toLowerCase(Locale.ROOT)).increment();
        }
    }

    public void approval() {
        registry.counter("brigade.registry.approvals").increment();
    }

    public void aliasMoved(Alias alias, AliasMove.Kind kind) {
        registry.counter("brigade.registry.alias.moves", "alias", alias.wire(), "kind",
                kind.name().toLowerCase(Locale.ROOT)).increment();
    }

    public void archived() {
        registry.counter("brigade.registry.archives").increment();
    }

    public void integrityFailure() {
        registry.counter("brigade.registry.artifact.integrity.failures").increment();
    }
}
