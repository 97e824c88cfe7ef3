package dev.brigade.training;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feature-set version's data contract as training reads it from the feature-sets topic: every feature's declared
 * type, and the expectations the version declares. A dataset that breaks it is not trained on.
 *
 * @param types every feature's declared type (BOOLEAN, LONG, DOUBLE, STRING), in file order
 * @param features per-feature expectations, only for features that declare some
 * @param positiveShareMin label balance (classification): smallest allowed share of label 1
 * @param positiveShareMax label balance (classification): largest allowed share of label 1
 * @param freshness largest allowed age of the newest example at the run's cutoff
 */
public record DataContract(Map<String, String> types, List<FeatureExpectation> features,
        Optional<Double> positiveShareMin, Optional<Double> positiveShareMax, Optional<Duration> freshness) {

    public DataContract {
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
        features = List.copyOf(features);
    }

    /** @param categories allowed values of a string feature; empty allows any */
    public record FeatureExpectation(String feature, Optional<Double> min, Optional<Double> max,
            List<String> categories, Optional<Double> maxMissingRate) {

        public FeatureExpectation {
            categories = List.copyOf(categories);
        }
    }
}
