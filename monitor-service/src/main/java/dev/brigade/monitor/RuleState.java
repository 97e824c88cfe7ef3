package dev.brigade.monitor;

/**
 * Where one alert rule stands for one model version: consecutive breaching and healthy windows, the open alert if
 * any, and when the last one resolved (for the cooldown). Times are window ends (event time), so a replay decides
 * the same way.
 */
public record RuleState(int breaches, int healthy, String activeAlertId, long raisedAt, double raisedValue,
        long lastResolvedAt) {

    public static final RuleState INITIAL = new RuleState(0, 0, null, 0, 0, Long.MIN_VALUE);

    public boolean active() {
        return activeAlertId != null;
    }
}
