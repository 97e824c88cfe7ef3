package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.training.Example;
import dev.brigade.training.FeatureProfile;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;

class ReferenceProfilesTest {

    @Test
    void profilesNumericAndBooleanInputsOfTheTrainingRows() {
        // Given 20 rows: x = 0..19 with row 19 missing, a constant c, and a flag true in 5 of the 20 rows
        List<InputFeature> inputs = List.of(new InputFeature("x", InputType.DOUBLE),
                new InputFeature("c", InputType.LONG), new InputFeature("flag", InputType.BOOLEAN));
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(new Example("e" + i, Instant.EPOCH, new double[] {i == 19 ? Double.NaN : i, 3, i < 5 ? 1 : 0},
                    Map.of(), 0));
        }

        // When profiled
        Map<String, FeatureProfile> profile = ReferenceProfiles.of(inputs, rows);

        // Then x has strictly ascending edges, frequencies of the present values that sum to 1, and its missing rate
        FeatureProfile x = profile.get("x");
        assertThat(x.missingRate()).isCloseTo(0.05, within(1e-12));
        assertThat(x.edges()).isSorted().doesNotHaveDuplicates().hasSize(x.frequencies().size() + 1);
        assertThat(x.edges().get(0)).isEqualTo(0.0);
        assertThat(x.edges().get(x.edges().size() - 1)).isEqualTo(18.0);
        assertThat(x.frequencies().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(x.mean()).isCloseTo(9.0, within(1e-12));
        // a constant gets one bin around its value
        assertThat(profile.get("c").edges()).containsExactly(2.5, 3.5);
        assertThat(profile.get("c").frequencies()).containsExactly(1.0);
        assertThat(profile.get("c").std()).isEqualTo(0.0);
        // booleans as categories false, true
        assertThat(profile.get("flag").categories()).containsExactly("false", "true");
        assertThat(profile.get("flag").frequencies()).containsExactly(0.75, 0.25);
        assertThat(profile.get("flag").edges()).isNull();
    }
}
