package dev.brigade.feature.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.brigade.feature.Aggregation;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureSets;
import dev.brigade.feature.FeatureType;
import dev.brigade.feature.FieldError;

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
