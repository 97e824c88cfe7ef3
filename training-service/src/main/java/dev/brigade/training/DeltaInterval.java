package dev.brigade.training;

/**
 * The primary metric of a candidate and a champion on the same rows, {@code delta = candidate - champion}, and the
 * paired bootstrap's percentile interval of the delta.
 */
public record DeltaInterval(String metric, double candidate, double champion, double delta, double ciLow,
        double ciHigh, long n, double confidence, int resamples) {
}
