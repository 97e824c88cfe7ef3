package dev.brigade.training;

/** One bin of a reliability diagram: predictions in [lower, upper) (the last bin includes 1). */
public record ReliabilityBin(double lower, double upper, long count, double meanPredicted, double observedRate) {
}
