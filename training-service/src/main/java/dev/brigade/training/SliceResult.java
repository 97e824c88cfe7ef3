package dev.brigade.training;

import java.util.Map;

/** Metrics of the rows whose slice attribute {@code slice} has {@code value}, with their count. */
public record SliceResult(String slice, String value, long n, Map<String, Double> metrics) {

    public SliceResult {
        metrics = Map.copyOf(metrics);
    }
}
