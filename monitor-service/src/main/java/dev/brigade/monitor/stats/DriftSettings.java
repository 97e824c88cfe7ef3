package dev.brigade.monitor.stats;

/**
 * When a feature counts as drifted: Holm-adjusted p-value below {@code alpha} and an effect at least the minimum
 * (KS distance for numeric, Cramér's V for categorical inputs).
 */
public record DriftSettings(double alpha, double minKsDistance, double minCramersV) {

    public static final DriftSettings DEFAULT = new DriftSettings(0.01, 0.1, 0.1);
}
