package dev.brigade.monitor;

import java.util.List;

/**
 * Drift of one input in one window. {@code test} is "ks" (numeric) or "chi-square" (categorical); {@code effect}
 * is the KS distance or Cramér's V; {@code adjustedPValue} is Holm-adjusted across the window's features;
 * {@code drifted} needs both significance and an effect at least the configured minimum, so large windows do not
 * flag trivial shifts.
 */
public record FeatureDrift(String feature, String type, String test, long n, double missingRate,
        double referenceMissingRate, double psi, double statistic, double pValue, double adjustedPValue,
        double effect, boolean drifted, long outOfRange, List<String> bins, double[] live, double[] reference) {
}
