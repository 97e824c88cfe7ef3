package dev.brigade.monitor;

/**
 * An alert rule of a use-case spec: the metric of a closed window (see WindowSummary#metrics) against a threshold,
 * judged only on windows with at least minSamples, raised after persistence consecutive breaching windows.
 */
public record AlertRule(String name, String metric, boolean above, double threshold, long minSamples,
        int persistence, String severity, String owner, String playbook, String action) {

    public boolean breached(double value) {
        return above ? value > threshold : value < threshold;
    }
}
