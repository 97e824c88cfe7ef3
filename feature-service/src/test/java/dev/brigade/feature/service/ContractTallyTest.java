package dev.brigade.feature.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.ValueStatus;
import dev.brigade.feature.mapping.FeatureSetParser;
import dev.brigade.feature.streams.MutableClock;

class ContractTallyTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final String YAML = """
            name: s
            version: 2
            features:
              - {name: amount, type: double, aggregation: attribute, attribute: amount, default: 0.0}
              - {name: n, type: long, aggregation: count, window: 1h, default: 0}
              - {name: colour, type: string, aggregation: last, attribute: colour, window: 1h, default: red}
            expectations:
              freshness: 1h
              label: {positiveShare: {min: 0.1, max: 0.5}}
              features:
                amount: {min: 0, max: 100, maxMissingRate: 0.2}
                colour: {categories: [red, blue]}
            """;

    private final MutableClock clock = new MutableClock(T0);
    private final List<String> violations = new ArrayList<>();
    private final FeatureSetDefinition set = FeatureSetParser.parse(YAML).definition().orElseThrow();
    private final ContractTally tally = new ContractTally(set, clock, (f, e) -> violations.add(f + "/" + e));

    @Test
    void dataThatKeepsTheContractBreaksNothing() {
        // Given vectors inside every expectation, and a label balance of 1 in 4
        for (int i = 0; i < 8; i++) {
            tally.vector(vector(10.0 * i, ValueStatus.PRESENT, 3L, "blue"), T0.minusSeconds(60));
            tally.example(i % 4 == 0 ? 1.0 : 0.0);
        }

        // Then every expectation holds and nothing was counted as a violation
        assertThat(violations).isEmpty();
        assertThat(tally.statuses()).noneMatch(ContractTally.Status::broken);
        assertThat(status("amount", "range").checked()).isEqualTo(8);
        assertThat(status(null, "label-balance").observed()).contains("positive share 0.25 of 8 examples");
    }

    @Test
    void eachBrokenExpectationIsCountedAndNamed() {
        // Given vectors with an out-of-range amount, a defaulted (absent) amount, a wrong type and an unknown colour
        tally.vector(vector(250.0, ValueStatus.PRESENT, 1L, "red"), T0);
        tally.vector(vector(0.0, ValueStatus.DEFAULTED, 1L, "green"), T0);
        Map<String, FeatureValue> wrongType = vector(5.0, ValueStatus.PRESENT, 1L, "red");
        wrongType.put("n", new FeatureValue("three", ValueStatus.PRESENT));
        tally.vector(wrongType, T0);
        tally.vector(vector(5.0, ValueStatus.PRESENT, 1L, "red"), T0);
        // and labels all positive
        tally.example(1.0);
        tally.example(1.0);

        // Then each value's violation reached the sink, tagged by feature and expectation
        assertThat(violations).containsExactlyInAnyOrder("amount/range", "amount/missing", "colour/categories",
                "n/type");
        // And each expectation says what broke it
        assertThat(status("amount", "range").broken()).isTrue();
        assertThat(status("amount", "range").recentViolations()).isEqualTo(1);
        assertThat(status("amount", "range").allowed()).isEqualTo("[0, 100]");
        assertThat(status("amount", "missing").recentRate()).isEqualTo(0.25);
        assertThat(status("amount", "missing").broken()).isTrue();
        assertThat(status("colour", "categories").broken()).isTrue();
        assertThat(status("n", "type").broken()).isTrue();
        assertThat(status(null, "label-balance").broken()).isTrue();
        assertThat(status(null, "freshness").broken()).isFalse();
    }

    @Test
    void brokenMeansRecentlyAndFreshnessFollowsTheClock() {
        // Given one out-of-range value
        tally.vector(vector(-1.0, ValueStatus.PRESENT, 1L, "red"), T0);
        assertThat(status("amount", "range").broken()).isTrue();

        // When more than the recent window and the freshness (1h) pass without events
        clock.advance(Duration.ofMinutes(61 + ContractTally.RECENT_MINUTES));

        // Then the range holds again (counted since start still), and the newest event is too old
        assertThat(status("amount", "range").broken()).isFalse();
        assertThat(status("amount", "range").violations()).isEqualTo(1);
        assertThat(status(null, "freshness").broken()).isTrue();
        assertThat(status(null, "freshness").observed()).contains("newest event " + T0);

        // And a fresh event makes it fresh again
        tally.vector(vector(1.0, ValueStatus.PRESENT, 1L, "red"), clock.instant().minusSeconds(10));
        assertThat(status(null, "freshness").broken()).isFalse();
    }

    @Test
    void withoutAnyEventFreshnessIsBroken() {
        assertThat(status(null, "freshness").broken()).isTrue();
        assertThat(status(null, "freshness").observed()).isEqualTo("no event seen by this instance");
    }

    private ContractTally.Status status(String feature, String expectation) {
        return tally.statuses().stream()
                .filter(s -> expectation.equals(s.expectation()) && java.util.Objects.equals(feature, s.feature()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + feature + "/" + expectation));
    }

    private static Map<String, FeatureValue> vector(double amount, ValueStatus amountStatus, long n, String colour) {
        Map<String, FeatureValue> values = new LinkedHashMap<>();
        values.put("amount", new FeatureValue(amount, amountStatus));
        values.put("n", new FeatureValue(n, ValueStatus.PRESENT));
        values.put("colour", new FeatureValue(colour, ValueStatus.PRESENT));
        return values;
    }
}
