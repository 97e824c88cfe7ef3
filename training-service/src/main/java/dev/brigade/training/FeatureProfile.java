package dev.brigade.training;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The training distribution of one input, for the monitor's drift checks. Numeric inputs: {@code edges} (strictly
 * ascending, one more than the frequencies), mean and std; booleans: {@code categories} "false", "true".
 * Frequencies are shares of the present values. As JSON (the registration's referenceProfile) without the fields
 * that do not apply.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureProfile(InputType type, List<Double> edges, List<String> categories, List<Double> frequencies,
        Double mean, Double std, double missingRate) {
}
