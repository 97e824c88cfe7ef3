package dev.brigade.registry.service;

/**
 * Timing of single-row predictions with the platform's scorer, after warm-up.
 *
 * @param cpuSecondsPerPrediction CPU time of the scoring thread divided by the predictions it made
 */
public record LatencyMeasurement(int predictions, double p50Ms, double p99Ms, double meanMs,
        double cpuSecondsPerPrediction) {
}
