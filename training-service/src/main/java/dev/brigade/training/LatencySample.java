package dev.brigade.training;

/** Training's own timing of the artifact with the platform's scorer: informational, the registry times again. */
public record LatencySample(double meanMicros, double p99Micros, long parameters) {
}
