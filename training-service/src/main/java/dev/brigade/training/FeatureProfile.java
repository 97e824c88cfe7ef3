package dev.brigade.training;

import java.util.List;

/**
 * The training distribution of one input, for the monitor's drift checks. Numeric inputs: {@code edges} (strictly
 * ascending, one more than the frequencies), mean and std; booleans: {@code categories} "false", "true".
 * Frequencies are shares of the present values.
 */
public record FeatureProfile(InputType type, List<Double> edges, List<String> categories, List<Double> frequencies,
        Double mean, Double std, double missingRate) {
}
