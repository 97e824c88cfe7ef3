package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.brigade.model.Activation;
import dev.brigade.model.Dense;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;
import dev.brigade.model.Scorer;
import dev.brigade.training.Champion;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.Evaluation;
import dev.brigade.training.EvaluationSettings;
import dev.brigade.training.Example;
import dev.brigade.training.Fairness;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;
import dev.brigade.training.SliceResult;

class EvaluatorTest {

    private static final List<InputFeature> INPUTS = List.of(new InputFeature("x", InputType.DOUBLE),
            new InputFeature("amount", InputType.DOUBLE));
    private static final CostMatrix FRAUD = new CostMatrix.Classification("expected-cost-per-transaction",
            Cost.of(5), Cost.of(5), Cost.feature("amount"), Cost.of(0));
    private static final EvaluationSettings SETTINGS = new EvaluationSettings(10, 200, 0.95, 42, 0.1, 2);

    private final Evaluator evaluator = new Evaluator(SETTINGS);

    @Test
    void evaluatesCandidateAndChampionOnTheSameRowsOverallAndPerSlice() {
        // Given six holdout rows whose candidate scores are the probabilities below (the model is sigmoid(x))
        double[] candidateScores = {0.95, 0.85, 0.35, 0.6, 0.25, 0.15};
        double[] labels = {1, 1, 1, 0, 0, 0};
        String[] regions = {"eu", "eu", "apac", "eu", "apac", "apac"};
        List<Example> holdout = new ArrayList<>();
        for (int r = 0; r < labels.length; r++) {
            holdout.add(new Example("e" + r, Instant.EPOCH.plusSeconds(r),
                    new double[] {logit(candidateScores[r]), 10.0 * (r + 1)}, Map.of("region", regions[r]),
                    labels[r]));
        }
        // and a champion that reads only x, scaled down: sigmoid(x / 2)
        Champion champion = new Champion(3, Scorer.of(sigmoidOf("x", 2.0)));

        // When evaluated with auc as the primary metric, sliced by region
        Evaluation e = evaluator.evaluate(ModelTask.BINARY_CLASSIFICATION, INPUTS, holdout,
                Scorer.of(sigmoidOf("x", 1.0)), Optional.of(champion), "auc", List.of("region"), FRAUD,
                Fairness.Settings.none());

        // Then the overall metrics are the candidate's (pairs ranked right: all but 0.35 < 0.6 -> auc 8/9)
        assertThat(e.n()).isEqualTo(6);
        assertThat(e.overall().get("auc")).isCloseTo(8.0 / 9, within(1e-12));
        Map<String, Double> expected = ClassificationMetrics.all(candidateScores, labels, 0.5);
        assertThat(e.overall()).containsOnlyKeys(expected.keySet());
        expected.forEach((name, value) -> assertThat(e.overall().get(name)).isCloseTo(value, within(1e-12)));
        // the champion ranks the rows identically (a monotone transform): the same auc, a delta of 0
        assertThat(e.championOverall().get("auc")).isCloseTo(8.0 / 9, within(1e-12));
        assertThat(e.comparison()).hasValueSatisfying(d -> {
            assertThat(d.metric()).isEqualTo("auc");
            assertThat(d.delta()).isCloseTo(0.0, within(1e-12));
            assertThat(d.ciLow()).isCloseTo(0.0, within(1e-12));
            assertThat(d.ciHigh()).isCloseTo(0.0, within(1e-12));
            assertThat(d.n()).isEqualTo(6);
        });
        // slices with their counts, in value order: apac (0.35/1, 0.25/0, 0.15/0), eu (0.95/1, 0.85/1, 0.6/0)
        assertThat(e.slices()).extracting(SliceResult::value, SliceResult::n)
                .containsExactly(tuple("apac", 3L),
                        tuple("eu", 3L));
        assertThat(e.slices().get(0).metrics().get("auc")).isEqualTo(1.0);
        assertThat(e.slices().get(0).metrics().get("recall")).isEqualTo(0.0);
        assertThat(e.slices().get(1).metrics().get("recall")).isEqualTo(1.0);
        // business: TP 5 + TP 5 + FN amount 30 + FP 5 + TN + TN, over 6
        assertThat(e.businessCandidate()).isCloseTo((5 + 5 + 30 + 5) / 6.0, within(1e-12));
        assertThat(e.businessChampion()).isPresent();
        // six scores in six different tenths: six bins of one row each
        assertThat(e.calibration().bins()).hasSize(6).extracting(b -> b.count()).containsOnly(1L);
        // the worst rows: the missed positive 0.35 (-ln 0.35), then the false alarm 0.6 (-ln 0.4)
        assertThat(e.worst()).extracting(w -> w.eventId()).containsExactly("e2", "e3");
        assertThat(e.worst().get(0).loss()).isCloseTo(-Math.log(0.35), within(1e-9));
        // each with its slice and its inputs as the model saw them (e2 is row 2: amount 30)
        assertThat(e.worst().get(0).slices()).containsEntry("region", "apac");
        assertThat(e.worst().get(0).features()).containsOnlyKeys("x", "amount").containsEntry("amount", 30.0);
        assertThat(e.worst().get(0).label()).isEqualTo(1.0);
        assertThat(e.worst().get(0).score()).isCloseTo(0.35, within(1e-9));
        assertThat(e.robustness()).containsKeys("auc", "logLoss", "accuracy");
        assertThat(e.robustnessMissingShare()).isEqualTo(0.1);
    }

    @Test
    void withoutAChampionThereIsNoComparison() {
        List<Example> holdout = List.of(new Example("a", Instant.EPOCH, new double[] {1, 5}, Map.of(), 1),
                new Example("b", Instant.EPOCH, new double[] {-1, 5}, Map.of(), 0));
        Evaluation e = evaluator.evaluate(ModelTask.BINARY_CLASSIFICATION, INPUTS, holdout,
                Scorer.of(sigmoidOf("x", 1.0)), Optional.empty(), "auc", List.of("region"), FRAUD,
                Fairness.Settings.none());
        assertThat(e.comparison()).isEmpty();
        assertThat(e.businessChampion()).isEmpty();
        assertThat(e.championOverall()).isEmpty();
        assertThat(e.slices()).isEmpty();
        assertThat(e.overall()).containsEntry("auc", 1.0);
    }

    @Test
    void aChampionThatNeedsAnInputTheRowsLackCannotBeCompared() {
        List<Example> holdout = List.of(new Example("a", Instant.EPOCH, new double[] {1, 5}, Map.of(), 1));
        Champion stranger = new Champion(1, Scorer.of(sigmoidOf("distance_km", 1.0)));
        assertThatThrownBy(() -> evaluator.evaluate(ModelTask.BINARY_CLASSIFICATION, INPUTS, holdout,
                Scorer.of(sigmoidOf("x", 1.0)), Optional.of(stranger), "auc", List.of(), FRAUD,
                Fairness.Settings.none()))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("distance_km");
        assertThatThrownBy(() -> evaluator.evaluate(ModelTask.BINARY_CLASSIFICATION, INPUTS, List.of(),
                Scorer.of(sigmoidOf("x", 1.0)), Optional.empty(), "auc", List.of(), FRAUD,
                Fairness.Settings.none()))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("holdout is empty");
    }

    /** One input, no hidden layer: score = sigmoid(input / divisor). */
    private static ModelArtifact sigmoidOf(String input, double divisor) {
        ModelArtifact artifact = ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(ModelTask.BINARY_CLASSIFICATION)
                .setFeatureNames(List.of(input))
                .setImputation(List.of(0.0))
                .setNormalisation(new Normalisation(List.of(0.0), List.of(divisor)))
                .setLayers(List.of(new Dense(1, 1, List.of(1.0), List.of(0.0), Activation.SIGMOID)))
                .setDecisionThreshold(0.5)
                .build();
        return artifact;
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }
}
