package dev.brigade.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HyperparametersTest {

    @Test
    void theRecordedStringsReadBackToTheSameParameters() {
        // Given parameters changed by a request
        Hyperparameters params = Hyperparameters.defaults()
                .withOverrides(Map.of("hiddenLayers", "16, 8, 4", "learningRate", "0.02", "seed", "7"));

        // When written as the lineage stores them and read back over other parameters
        Map<String, String> recorded = params.asStrings();
        Hyperparameters again = new Hyperparameters(List.of(1), 1, 1, 0.1, 0, 1, 0.1, 0).withOverrides(recorded);

        // Then they are the same
        assertThat(again).isEqualTo(params);
        assertThat(params.hiddenLayers()).containsExactly(16, 8, 4);
        assertThat(recorded).containsEntry("hiddenLayers", "16,8,4").containsEntry("seed", "7")
                .containsKeys("maxEpochs", "batchSize", "l2", "patience", "validationFraction");
    }

    @Test
    void namesTheParameterThatIsWrong() {
        Hyperparameters defaults = Hyperparameters.defaults();
        assertThatThrownBy(() -> defaults.withOverrides(Map.of("epochs", "5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown hyperparameter epochs");
        assertThatThrownBy(() -> defaults.withOverrides(Map.of("learningRate", "fast")))
                .hasMessage("learningRate: not a number: \"fast\"");
        assertThatThrownBy(() -> defaults.withOverrides(Map.of("validationFraction", "0.7")))
                .hasMessageStartingWith("validationFraction: must be in (0, 0.5)");
        assertThatThrownBy(() -> defaults.withOverrides(Map.of("hiddenLayers", "8,0")))
                .hasMessageStartingWith("hiddenLayers: widths must be 1 to 1024");
    }
}
