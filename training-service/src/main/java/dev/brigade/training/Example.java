package dev.brigade.training;

import java.time.Instant;
import java.util.Map;

/**
 * One labelled row as training sees it: the inputs in contract order (NaN where the example had no value), the
 * slice attributes for per-slice evaluation, and the label (0/1 for classification).
 */
public record Example(String eventId, Instant eventTime, double[] features, Map<String, String> slices,
        double label) {

    public Example {
        slices = Map.copyOf(slices);
    }
}
