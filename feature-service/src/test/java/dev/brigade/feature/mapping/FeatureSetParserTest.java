package dev.brigade.feature.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.brigade.feature.Aggregation;
import dev.brigade.feature.DataContract;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureSets;
import dev.brigade.feature.FeatureType;
import dev.brigade.platform.http.FieldError;

class FeatureSetParserTest {

    @Test
    void readsTheShippedFeatureSets() {
        // Given the two shipped YAML files, When parsed
        FeatureSetParser.Result card = FeatureSetParser.parse(FeatureSets.yaml("card-activity-v1.yaml"));
        FeatureSetParser.Result courier = FeatureSetParser.parse(FeatureSets.yaml("courier-load-v1.yaml"));

        // Then both are valid, with their windows, defaults and slices
        assertThat(card.errors()).isEmpty();
        assertThat(courier.errors()).isEmpty();
        FeatureSetDefinition set = card.definition().orElseThrow();
        assertThat(set.id()).isEqualTo("card-activity@1");
        assertThat(set.source()).contains("card-transactions");
        assertThat(set.grace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(set.slices()).containsExactly("region", "device");
        assertThat(set.longestWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(set.features()).anySatisfy(f -> {
            assertThat(f.name()).isEqualTo("txn_count_1h");
            assertThat(f.aggregation()).isEqualTo(Aggregation.COUNT);
            assertThat(f.type()).isEqualTo(FeatureType.LONG);
            assertThat(f.window()).contains(Duration.ofHours(1));
            assertThat(f.defaultValue()).isEqualTo(0L);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing name                | version: 1\\nfeatures: [{name: a, type: long, aggregation: count, window: 1h, default: 0}]     | name                 | is required
            path trick in name          | name: ../etc\\nversion: 1\\nfeatures: [{name: a, type: long, aggregation: count, window: 1h, default: 0}] | name | must match
            version zero                | name: s\\nversion: 0\\nfeatures: [{name: a, type: long, aggregation: count, window: 1h, default: 0}]     | version              | at least 1
            no features                 | name: s\\nversion: 1                                                                                   | features             | is required
            unknown aggregation         | name: s\\nversion: 1\\nfeatures: [{name: a, type: long, aggregation: median, window: 1h, default: 0}]  | features[0].aggregation | unknown aggregation
            window missing              | name: s\\nversion: 1\\nfeatures: [{name: a, type: long, aggregation: count, default: 0}]               | features[0].window   | is required
            bad window                  | name: s\\nversion: 1\\nfeatures: [{name: a, type: long, aggregation: count, window: soon, default: 0}] | features[0].window   | must be a duration
            attribute missing           | name: s\\nversion: 1\\nfeatures: [{name: a, type: double, aggregation: sum, window: 1h, default: 0}]   | features[0].attribute | is required
            wrong type for count        | name: s\\nversion: 1\\nfeatures: [{name: a, type: double, aggregation: count, window: 1h, default: 0}] | features[0].type     | must be long
            default of wrong type       | name: s\\nversion: 1\\nfeatures: [{name: a, type: long, aggregation: count, window: 1h, default: many}] | features[0].default | must be a long
            default missing             | name: s\\nversion: 1\\nfeatures: [{name: a, type: long, aggregation: count, window: 1h}]               | features[0].default  | is required
            typo in a field             | name: s\\nversion: 1\\nwindows: 1h\\nfeatures: [{name: a, type: long, aggregation: count, window: 1h, default: 0}] | windows | unknown field
            not yaml                    | name: [unclosed                                                                                      | $                    | not valid YAML
            """)
    void namesTheFieldOfEachProblem(String caseName, String yaml, String field, String message) {
        // Given a feature set with one problem, When parsed
        FeatureSetParser.Result result = FeatureSetParser.parse(yaml.replace("\\n", "\n"));

        // Then it is refused, naming the field and what is wrong
        assertThat(result.definition()).isEmpty();
        assertThat(result.errors()).extracting(FieldError::field).contains(field);
        assertThat(result.errors()).filteredOn(e -> e.field().equals(field))
                .anySatisfy(e -> assertThat(e.message()).contains(message));
    }

    @Test
    void readsTheDataContractOfTheShippedSets() {
        // Given the shipped card-activity set, When parsed
        FeatureSetDefinition set = FeatureSets.cardActivity();

        // Then its expectations are part of the definition
        DataContract contract = set.contract();
        assertThat(contract.freshness()).contains(Duration.ofDays(30));
        assertThat(contract.positiveShareMin()).contains(0.001);
        assertThat(contract.positiveShareMax()).contains(0.5);
        assertThat(contract.of("amount")).hasValueSatisfying(e -> {
            assertThat(e.min()).contains(0.0);
            assertThat(e.max()).contains(1_000_000.0);
            assertThat(e.maxMissingRate()).contains(0.01);
        });
        assertThat(contract.of("secs_since_last_txn").flatMap(DataContract.FeatureExpectation::max))
                .contains(604_800.0);
        assertThat(FeatureSets.courierLoad().contract().declaresLabelBalance()).isFalse();
        assertThat(FeatureSets.courierLoad().contract().freshness()).contains(Duration.ofDays(2));
    }

    @Test
    void aSetWithoutExpectationsHasAnEmptyContract() {
        FeatureSetParser.Result result = FeatureSetParser.parse(
                "name: s\nversion: 1\nfeatures: [{name: a, type: long, aggregation: count, window: 1h, default: 0}]");
        assertThat(result.errors()).isEmpty();
        assertThat(result.definition().orElseThrow().contract().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not a mapping               | expectations: [1]                                                 | expectations | must be a mapping
            unknown section             | expectations: {labels: {}}                                        | expectations.labels | unknown field
            zero freshness              | expectations: {freshness: 0s}                                     | expectations.freshness | longer than 0
            bad freshness               | expectations: {freshness: soon}                                   | expectations.freshness | must be a duration
            share above one             | expectations: {label: {positiveShare: {max: 1.5}}}                | expectations.label.positiveShare.max | between 0 and 1
            share bounds crossed        | expectations: {label: {positiveShare: {min: 0.5, max: 0.1}}}      | expectations.label.positiveShare.min | above max
            share without bounds        | expectations: {label: {positiveShare: {}}}                        | expectations.label.positiveShare | needs min, max or both
            unknown feature             | expectations: {features: {b: {min: 0}}}                           | expectations.features.b | not a feature of this set
            empty feature entry         | expectations: {features: {n: {}}}                                 | expectations.features.n | must be a mapping
            unknown feature field       | expectations: {features: {n: {minimum: 0}}}                       | expectations.features.n.minimum | unknown field
            min not a number            | expectations: {features: {n: {min: low}}}                         | expectations.features.n.min | must be a number
            min above max               | expectations: {features: {n: {min: 5, max: 1}}}                   | expectations.features.n.min | above max
            default below min           | expectations: {features: {n: {min: 1}}}                           | expectations.features.n.min | above the feature's default
            default above max           | expectations: {features: {x: {max: 1}}}                           | expectations.features.x.max | below the feature's default
            range on a boolean          | expectations: {features: {flag: {min: 0}}}                       | expectations.features.flag.min | long and double features only
            categories on a number      | expectations: {features: {n: {categories: [a]}}}                  | expectations.features.n.categories | string features only
            categories without default  | expectations: {features: {colour: {categories: [blue, green]}}}   | expectations.features.colour.categories | must include the feature's default
            missing rate above one      | expectations: {features: {n: {maxMissingRate: 2}}}                | expectations.features.n.maxMissingRate | between 0 and 1
            """)
    void namesTheFieldOfEachBrokenExpectation(String caseName, String expectations, String field, String message) {
        // Given a valid feature set whose expectations have one problem
        String yaml = "name: s\nversion: 1\nfeatures:\n"
                + "  - {name: n, type: long, aggregation: count, window: 1h, default: 0}\n"
                + "  - {name: x, type: double, aggregation: attribute, attribute: x, default: 3.0}\n"
                + "  - {name: flag, type: boolean, aggregation: attribute, attribute: flag, default: false}\n"
                + "  - {name: colour, type: string, aggregation: last, attribute: colour, window: 1h, default: red}\n"
                + expectations + "\n";

        // When parsed
        FeatureSetParser.Result result = FeatureSetParser.parse(yaml);

        // Then it is refused, naming the field and what is wrong
        assertThat(result.definition()).as(caseName).isEmpty();
        assertThat(result.errors()).filteredOn(e -> e.field().equals(field))
                .as("errors %s", result.errors())
                .anySatisfy(e -> assertThat(e.message()).contains(message));
    }

    @Test
    void acceptsEveryKindOfExpectation() {
        String yaml = "name: s\nversion: 1\nfeatures:\n"
                + "  - {name: n, type: long, aggregation: count, window: 1h, default: 0}\n"
                + "  - {name: colour, type: string, aggregation: last, attribute: colour, window: 1h, default: red}\n"
                + "expectations:\n  freshness: 1h\n  label: {positiveShare: {min: 0.01}}\n"
                + "  features:\n    n: {min: 0, max: 10, maxMissingRate: 0}\n    colour: {categories: [red, blue]}\n";
        DataContract contract = FeatureSetParser.parse(yaml).definition().orElseThrow().contract();
        assertThat(contract.freshness()).contains(Duration.ofHours(1));
        assertThat(contract.positiveShareMin()).contains(0.01);
        assertThat(contract.positiveShareMax()).isEmpty();
        assertThat(contract.of("n").orElseThrow().maxMissingRate()).contains(0.0);
        assertThat(contract.of("colour").orElseThrow().categories()).containsExactly("red", "blue");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        // Given a feature set with three independent problems
        String yaml = "name: s\nversion: x\nfeatures:\n"
                + "  - {name: a, type: long, aggregation: count, window: 1h, default: 0}\n"
                + "  - {name: a, type: long, aggregation: count, window: 1h, default: 0}\n"
                + "  - {name: b, type: colour, aggregation: last, attribute: c, window: 1h, default: red}\n";

        // When parsed, Then all three are reported
        assertThat(FeatureSetParser.parse(yaml).errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("version", "features[1].name", "features[2].type");
    }
}
