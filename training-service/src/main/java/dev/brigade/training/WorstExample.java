package dev.brigade.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A holdout row the candidate got most wrong, kept for review: its loss is log loss or absolute error; its slice
 * values and its inputs as the model saw them before imputation (numbers, booleans as true/false, null where the
 * example had no value), in contract order.
 */
public record WorstExample(String eventId, double label, double score, double loss, Map<String, String> slices,
        Map<String, Object> features) {

    public WorstExample {
        slices = slices == null ? Map.of() : Map.copyOf(slices);
        // A missing input is null here, so no Map.copyOf.
        features = features == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }
}
