package dev.brigade.registry;

import java.util.List;
import java.util.Map;

/**
 * The training distribution of every model input, which the monitor compares live inputs with (drift).
 * Numeric inputs (DOUBLE, LONG) have histogram edges and mean/std; BOOLEAN and STRING inputs have categories.
 * Frequencies are shares of the non-missing values.
 */
public record ReferenceProfile(long n, Map<String, Feature> features) {

    public record Feature(InputType type, List<Double> edges, List<String> categories, List<Double> frequencies,
            Double mean, Double std, double missingRate) {
    }
}
