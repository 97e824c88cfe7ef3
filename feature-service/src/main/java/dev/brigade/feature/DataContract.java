package dev.brigade.feature;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The data contract of a feature-set version, declared under {@code expectations}: what its data must look like
 * before a model trains on it. Every feature is also expected to have its declared type; that needs no entry here.
 *
 * @param features per-feature expectations, only for features that declare some
 * @param positiveShareMin label balance (classification): smallest allowed share of label 1
 * @param positiveShareMax label balance (classification): largest allowed share of label 1
 * @param freshness largest allowed age of the newest example (training) or event (live)
 */
public record DataContract(List<FeatureExpectation> features, Optional<Double> positiveShareMin,
        Optional<Double> positiveShareMax, Optional<Duration> freshness) {

    public static final DataContract NONE = new DataContract(List.of(), Optional.empty(), Optional.empty(),
            Optional.empty());

    public DataContract {
        features = List.copyOf(features);
    }

    public boolean declaresLabelBalance() {
        return positiveShareMin.isPresent() || positiveShareMax.isPresent();
    }

    public boolean isEmpty() {
        return features.isEmpty() && !declaresLabelBalance() && freshness.isEmpty();
    }

    public Optional<FeatureExpectation> of(String feature) {
        return features.stream().filter(f -> f.feature().equals(feature)).findFirst();
    }

    /**
     * What one feature's values must be.
     *
     * @param categories the allowed values of a string feature; empty allows any
     */
    public record FeatureExpectation(String feature, Optional<Double> min, Optional<Double> max,
            List<String> categories, Optional<Double> maxMissingRate) {

        public FeatureExpectation {
            categories = List.copyOf(categories);
        }
    }
}
