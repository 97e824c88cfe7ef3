package dev.brigade.feature;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An immutable feature-set version, as declared in YAML.
 *
 * @param source the RawEvent source it reads; empty reads every source
 * @param grace how far behind an entity's newest event a late event may arrive and still count
 * @param slices event attributes carried into training examples for per-slice evaluation
 * @param contract the data contract ({@code expectations}); {@link DataContract#NONE} when none is declared
 */
public record FeatureSetDefinition(String name, int version, Optional<String> description, Optional<String> source,
        Duration grace, List<String> slices, List<FeatureDefinition> features, DataContract contract) {

    public FeatureSetDefinition {
        slices = List.copyOf(slices);
        features = List.copyOf(features);
        contract = contract == null ? DataContract.NONE : contract;
    }

    public String id() {
        return id(name, version);
    }

    public static String id(String name, int version) {
        return name + "@" + version;
    }

    public boolean reads(String eventSource) {
        return source.map(s -> s.equals(eventSource)).orElse(true);
    }

    /** The longest look-back of any feature: how much history the set needs. */
    public Duration longestWindow() {
        return features.stream().map(FeatureDefinition::window).flatMap(Optional::stream)
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Events older than this behind the entity's newest can never count again: late, or out of every window. */
    public Duration historyRetention() {
        return longestWindow().plus(grace);
    }
}
