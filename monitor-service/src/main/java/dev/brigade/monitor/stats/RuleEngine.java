package dev.brigade.monitor.stats;

import java.time.Duration;

import dev.brigade.monitor.AlertRule;
import dev.brigade.monitor.RuleState;
import dev.brigade.monitor.WindowSummary;

/**
 * Alert rules over closed windows. A window with fewer samples than the rule's minimum (or without the metric)
 * neither breaches nor heals: it is skipped. An alert is raised after {@code persistence} consecutive breaching
 * windows, resolved after as many consecutive healthy ones (so it does not flap), and the same rule does not
 * raise again for the same version within the cooldown after a resolve.
 */
public final class RuleEngine {

    public enum Outcome {
        NONE, RAISE, RESOLVE
    }

    public record Decision(Outcome outcome, RuleState next, Double value) {
    }

    private RuleEngine() {
    }

    public static Decision evaluate(AlertRule rule, RuleState state, WindowSummary window, Duration cooldown,
            String newAlertId) {
        Double value = window.metrics().get(rule.metric());
        if (value == null || window.samplesOf(rule.metric()) < rule.minSamples()) {
            return new Decision(Outcome.NONE, state, value);
        }
        boolean breached = rule.breached(value);
        int persistence = Math.max(1, rule.persistence());
        if (breached) {
            int breaches = state.breaches() + 1;
            if (!state.active() && breaches >= persistence
                    && (state.lastResolvedAt() == Long.MIN_VALUE
                            || window.windowEnd() >= state.lastResolvedAt() + cooldown.toMillis())) {
                return new Decision(Outcome.RAISE,
                        new RuleState(breaches, 0, newAlertId, window.windowEnd(), value, state.lastResolvedAt()),
                        value);
            }
            return new Decision(Outcome.NONE, new RuleState(breaches, 0, state.activeAlertId(), state.raisedAt(),
                    state.raisedValue(), state.lastResolvedAt()), value);
        }
        int healthy = state.healthy() + 1;
        if (state.active() && healthy >= persistence) {
            return new Decision(Outcome.RESOLVE, new RuleState(0, healthy, null, 0, 0, window.windowEnd()), value);
        }
        return new Decision(Outcome.NONE, new RuleState(0, healthy, state.activeAlertId(), state.raisedAt(),
                state.raisedValue(), state.lastResolvedAt()), value);
    }
}
