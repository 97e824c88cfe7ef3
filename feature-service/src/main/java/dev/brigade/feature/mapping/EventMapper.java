package dev.brigade.feature.mapping;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.brigade.events.DataExpectations;
import dev.brigade.events.FeatureExpectation;
import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.RawEvent;
import dev.brigade.feature.DataContract;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureValue;

/** Between the contract's Avro events and this service's domain records. */
public final class EventMapper {

    private EventMapper() {
    }

    public static FeatureVector toFeatureVector(FeatureSetDefinition set, RawEvent event,
            Map<String, FeatureValue> features, Instant computedAt) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, FeatureStatus> statuses = new LinkedHashMap<>();
        features.forEach((name, value) -> {
            values.put(name, value.value());
            statuses.put(name, FeatureStatus.valueOf(value.status().name()));
        });
        return FeatureVector.newBuilder()
                .setEventId(event.getEventId())
                .setEntityId(event.getEntityId())
                .setEventTime(event.getEventTime())
                .setFeatureSet(set.name())
                .setFeatureSetVersion(set.version())
                .setValues(values)
                .setStatuses(statuses)
                .setSlices(slices(set, event.getAttributes()))
                .setComputedAt(computedAt)
                .build();
    }

    /** The contract as FeatureSetRegistered carries it to consumers (training checks datasets with it). */
    public static DataExpectations toExpectations(DataContract contract) {
        if (contract.isEmpty()) {
            return null;
        }
        return DataExpectations.newBuilder()
                .setFeatures(contract.features().stream().map(f -> FeatureExpectation.newBuilder()
                        .setFeature(f.feature())
                        .setMin(f.min().orElse(null))
                        .setMax(f.max().orElse(null))
                        .setCategories(f.categories().isEmpty() ? null : f.categories())
                        .setMaxMissingRate(f.maxMissingRate().orElse(null))
                        .build()).toList())
                .setPositiveShareMin(contract.positiveShareMin().orElse(null))
                .setPositiveShareMax(contract.positiveShareMax().orElse(null))
                .setFreshnessMillis(contract.freshness().map(java.time.Duration::toMillis).orElse(null))
                .build();
    }

    static Map<String, String> slices(FeatureSetDefinition set, Map<String, Object> attributes) {
        Map<String, String> slices = new LinkedHashMap<>();
        for (String slice : set.slices()) {
            Object value = attributes.get(slice);
            if (value != null) {
                slices.put(slice, value.toString());
            }
        }
        return slices;
    }
}
