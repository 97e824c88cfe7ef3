package dev.brigade.feature.service;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.feature.FeatureSetDefinition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Live data-contract checks of every running feature-set version: a {@link ContractTally} each, the counter
 * {@code brigade_features_contract_violations_total{set,version,feature,expectation}} (one per value that breaks
 * type, range or categories, or is missing where a missing rate is declared) and the gauge
 * {@code brigade_features_contract_broken{set,version,feature,expectation}} (1 while an expectation is broken, as
 * the contract endpoint judges it). Counts are this instance's: the partitions it processes.
 */
@ApplicationScoped
public class ContractMonitor {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, ContractTally> tallies = new ConcurrentHashMap<>();

    ContractMonitor(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    public ContractTally register(FeatureSetDefinition set) {
        return tallies.computeIfAbsent(set.id(), id -> {
            Map<String, Counter> counters = new ConcurrentHashMap<>();
            String version = Integer.toString(set.version());
            ContractTally tally = new ContractTally(set, clock, (feature, expectation) -> counters
                    .computeIfAbsent(feature + "/" + expectation, k -> Counter
                            .builder("brigade.features.contract.violations")
                            .description("Values of computed feature vectors that break the version's data contract")
                            .tag("set", set.name()).tag("version", version).tag("feature", feature)
                            .tag("expectation", expectation).register(registry))
                    .increment());
            for (ContractTally.Status s : tally.statuses()) {
                String feature = s.feature() == null ? "" : s.feature();
                String expectation = s.expectation();
                Gauge.builder("brigade.features.contract.broken", tally, t -> t.statuses().stream()
                        .filter(x -> expectation.equals(x.expectation()) && feature.equals(
                                x.feature() == null ? "" : x.feature()))
                        .anyMatch(ContractTally.Status::broken) ? 1.0 : 0.0)
                        .description("1 while an expectation of the version's data contract is broken (recent data)")
                        .tag("set", set.name()).tag("version", version).tag("feature", feature)
                        .tag("expectation", expectation).register(registry);
            }
            return tally;
        });
    }

    public Optional<ContractTally> tally(String featureSetId) {
        return Optional.ofNullable(tallies.get(featureSetId));
    }

    /** A training example of a version: its label counts towards the version's label balance. */
    public void example(String featureSet, int version, double label) {
        ContractTally tally = tallies.get(FeatureSetDefinition.id(featureSet, version));
        if (tally != null) {
            tally.example(label);
        }
    }
}
