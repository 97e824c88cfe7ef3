package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.brigade.events.TrainingExample;
import dev.brigade.model.ModelTask;
import dev.brigade.training.DataContract;

class ContractCheckTest {

    private static final Instant CUTOFF = Instant.parse("2026-11-26T12:00:00Z");

    private static DataContract contract() {
        Map<String, String> types = new LinkedHashMap<>();
        types.put("amount", "DOUBLE");
        types.put("n", "LONG");
        types.put("online", "BOOLEAN");
        types.put("colour", "STRING");
        return new DataContract(types, List.of(
                new DataContract.FeatureExpectation("amount", Optional.of(0.0), Optional.of(100.0), List.of(),
                        Optional.of(0.1)),
                new DataContract.FeatureExpectation("colour", Optional.empty(), Optional.empty(),
                        List.of("red", "blue"), Optional.empty())),
                Optional.of(0.1), Optional.of(0.5), Optional.of(Duration.ofHours(2)));
    }

    @Test
    void aDatasetThatKeepsTheContractBreaksNothing() {
        // Given 10 examples inside every expectation: one in 5 positive, one amount missing, the newest an hour old
        ContractCheck check = new ContractCheck(contract(), ModelTask.BINARY_CLASSIFICATION);
        for (int i = 0; i < 10; i++) {
            check.observe(example(i, i == 3 ? null : 10.0 * i, 1L, "red", i % 5 == 0 ? 1 : 0,
                    CUTOFF.minusSeconds(3600 + 60L * i)));
        }

        // Then nothing is broken
        assertThat(check.broken(CUTOFF)).isEmpty();
    }

    @Test
    void everyBrokenExpectationIsNamedWithWhatWasObservedAndAllowed() {
        // Given 10 examples: amounts out of range and missing, a string where a long belongs, an unknown colour,
        // all positive, the newest three hours old
        ContractCheck check = new ContractCheck(contract(), ModelTask.BINARY_CLASSIFICATION);
        for (int i = 0; i < 10; i++) {
            Object amount = i == 0 ? (Object) (-5.0) : i == 1 ? (Object) 250.0 : i < 4 ? null : (Object) 50.0;
            Map<String, Object> features = features(amount, i == 9 ? "three" : (Object) 2L, i == 8 ? "green" : "red");
            check.observe(example(i, features, 1, CUTOFF.minus(Duration.ofHours(3)).minusSeconds(i)));
        }

        // When checked at the cutoff
        List<String> broken = check.broken(CUTOFF);

        // Then each broken expectation is one entry: feature, expectation, observed against allowed
        assertThat(broken).containsExactly(
                "amount: range [0, 100] broken by 2 of 10 values (outside it: lowest -5, highest 250)",
                "amount: missing rate 0.2 (2 of 10 examples) above the allowed 0.1",
                "n: type long broken by 1 of 10 values (e.g. string 'three')",
                "colour: categories [red, blue] broken by 1 of 10 values (e.g. 'green')",
                "label balance: positive share 1 (10 of 10 examples) outside the allowed [0.1, 0.5]",
                "freshness: the newest example (2026-11-26T09:00:00Z) is 3h old at the cutoff "
                        + "2026-11-26T12:00:00Z, at most 2h allowed");
    }

    @Test
    void labelBalanceAppliesToClassificationOnly() {
        // Given regression labels (minutes), which are never 0 or 1
        ContractCheck check = new ContractCheck(contract(), ModelTask.REGRESSION);
        for (int i = 0; i < 5; i++) {
            check.observe(example(i, 10.0, 1L, "blue", 30 + i, CUTOFF.minusSeconds(60)));
        }

        // Then the positive share is not judged
        assertThat(check.broken(CUTOFF)).isEmpty();
    }

    @Test
    void withoutExpectationsOnlyTypesAreChecked() {
        // Given a feature set that declares no expectations
        Map<String, String> types = Map.of("amount", "DOUBLE");
        ContractCheck check = new ContractCheck(new DataContract(types, List.of(), Optional.empty(),
                Optional.empty(), Optional.empty()), ModelTask.BINARY_CLASSIFICATION);
        check.observe(example(0, Map.of("amount", 1e9), 1, CUTOFF.minus(Duration.ofDays(400))));
        check.observe(example(1, new HashMap<>(), 0, CUTOFF));
        assertThat(check.broken(CUTOFF)).isEmpty();

        // And a long where a double belongs breaks the type
        check.observe(example(2, Map.of("amount", 3L), 0, CUTOFF));
        assertThat(check.broken(CUTOFF)).containsExactly("amount: type double broken by 1 of 3 values (e.g. long 3)");
    }

    @Test
    void anEmptyDatasetIsLeftToTheSplitter() {
        assertThat(new ContractCheck(contract(), ModelTask.BINARY_CLASSIFICATION).broken(CUTOFF)).isEmpty();
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(ContractCheck.human(Duration.ofHours(74).plusMinutes(5))).isEqualTo("3d 2h");
        assertThat(ContractCheck.human(Duration.ofMinutes(125))).isEqualTo("2h 5m");
        assertThat(ContractCheck.human(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(ContractCheck.human(Duration.ofSeconds(45))).isEqualTo("45s");
    }

    private static Map<String, Object> features(Object amount, Object n, String colour) {
        Map<String, Object> features = new HashMap<>();
        features.put("amount", amount);
        features.put("n", n);
        features.put("online", true);
        features.put("colour", colour);
        return features;
    }

    private static TrainingExample example(int i, Double amount, Long n, String colour, double label, Instant at) {
        return example(i, features(amount, n, colour), label, at);
    }

    private static TrainingExample example(int i, Map<String, Object> features, double label, Instant at) {
        return TrainingExample.newBuilder().setEventId("e-" + i).setEntityId("x").setEventTime(at)
                .setLabelTime(at.plusSeconds(60)).setFeatureSet("s").setFeatureSetVersion(1).setFeatures(features)
                .setLabel(label).build();
    }
}
