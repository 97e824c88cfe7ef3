package dev.brigade.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;

import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;

/**
 * Serving scores with the platform's Scorer, not with DL4J (whose output() costs about 150 us for one row). This
 * proves both compute the same number, within 1e-6, for networks built and trained with DL4J as training does, for
 * every activation the artifact can carry, with missing inputs imputed, after a round trip through the artifact bytes.
 */
class Dl4jEqualityTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("classifier relu-tanh", ModelTask.BINARY_CLASSIFICATION, 10, new int[] {32, 16},
                        new Activation[] {Activation.RELU, Activation.TANH},
                        new dev.brigade.model.Activation[] {dev.brigade.model.Activation.RELU,
                                dev.brigade.model.Activation.TANH, dev.brigade.model.Activation.SIGMOID}),
                Arguments.of("classifier leakyrelu-sigmoid", ModelTask.BINARY_CLASSIFICATION, 6, new int[] {8, 4},
                        new Activation[] {Activation.LEAKYRELU, Activation.SIGMOID},
                        new dev.brigade.model.Activation[] {dev.brigade.model.Activation.LEAKYRELU,
                                dev.brigade.model.Activation.SIGMOID, dev.brigade.model.Activation.SIGMOID}),
                Arguments.of("regression relu-identity", ModelTask.REGRESSION, 10, new int[] {16, 8},
                        new Activation[] {Activation.RELU, Activation.IDENTITY},
                        new dev.brigade.model.Activation[] {dev.brigade.model.Activation.RELU,
                                dev.brigade.model.Activation.IDENTITY, dev.brigade.model.Activation.IDENTITY}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void theScorerComputesWhatDl4jComputes(String name, ModelTask task, int inputs, int[] hidden,
            Activation[] dl4j, dev.brigade.model.Activation[] exported) {
        // Given a network built and trained with DL4J, exported to artifact bytes and loaded by the Scorer
        Dl4jNetworks.Trained trained = Dl4jNetworks.train(task, inputs, hidden, dl4j, 7);
        Scorer scorer = Scorer.load(ModelArtifactCodec.encode(Dl4jNetworks.export(trained, exported)));

        // When 2,000 rows (a tenth of the inputs missing) are scored by both
        Random random = new Random(3);
        double worst = 0;
        for (int r = 0; r < 2000; r++) {
            double[] row = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                row[i] = random.nextInt(10) == 0 ? Double.NaN : trained.mean()[i] + random.nextGaussian()
                        * trained.std()[i] * 2;
            }
            double expected = trained.dl4jScore(row);
            double actual = scorer.score(row);
            // Then they agree within 1e-6
            assertThat(actual).as("row %d", r).isCloseTo(expected, within(1e-6));
            worst = Math.max(worst, Math.abs(actual - expected));
        }
        assertThat(worst).isLessThan(1e-6);
    }
}
