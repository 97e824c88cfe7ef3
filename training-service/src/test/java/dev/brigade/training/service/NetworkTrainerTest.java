package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.Evaluation;
import dev.brigade.training.EvaluationSettings;
import dev.brigade.training.Example;
import dev.brigade.training.Fairness;
import dev.brigade.training.Hyperparameters;
import dev.brigade.training.SyntheticData;
import dev.brigade.training.SyntheticData.Rows;
import dev.brigade.training.mapping.ArtifactMapper;

class NetworkTrainerTest {

    private static final Hyperparameters SMALL = Hyperparameters.defaults()
            .withOverrides(Map.of("hiddenLayers", "8,4", "maxEpochs", "12", "batchSize", "32",
                    "learningRate", "0.01"));

    private final NetworkTrainer trainer = new NetworkTrainer();

    @Test
    void theExportedClassifierScoresLikeDl4jWithinOneMillionth() {
        // Given a classifier trained on rows with missing inputs
        Rows data = SyntheticData.classification(600, 1);
        TrainedNetwork trained = train(ModelTask.BINARY_CLASSIFICATION, data, SMALL, new ArrayList<>());

        // When it is exported, written, read back and scored with the platform's scorer
        ModelArtifact artifact = ArtifactMapper.toArtifact(trained, 0.5);
        Scorer scorer = Scorer.load(ModelArtifactCodec.encode(artifact));

        // Then every score equals DL4J's own output for the same raw rows, missing inputs included
        Rows check = SyntheticData.classification(200, 99);
        double[] dl4j = trained.predict(check.x());
        for (int r = 0; r < check.x().length; r++) {
            assertThat(scorer.score(check.x()[r])).isCloseTo(dl4j[r], within(1e-6));
        }
        assertThat(artifact.getDecisionThreshold()).isEqualTo(0.5);
        assertThat(artifact.getOutputScale()).isNull();
        assertThat(artifact.getFeatureNames()).containsExactly("amount", "txn_count_1h", "online", "ratio");
        assertThat(artifact.getLayers()).extracting(l -> l.getInputs() + "x" + l.getOutputs())
                .containsExactly("4x8", "8x4", "4x1");
    }

    @Test
    void theExportedRegressorScoresLikeDl4jInTheTargetsUnits() {
        // Given a regressor trained on a standardised target
        Rows data = SyntheticData.regression(600, 2);
        TrainedNetwork trained = train(ModelTask.REGRESSION, data, SMALL, new ArrayList<>());

        // When it is exported and scored
        ModelArtifact artifact = ArtifactMapper.toArtifact(trained, 0.5);
        Scorer scorer = Scorer.of(artifact);

        // Then the scores equal DL4J's, in minutes, and the model learnt the signal (far better than the mean)
        Rows check = SyntheticData.regression(200, 98);
        double[] dl4j = trained.predict(check.x());
        double absError = 0;
        double absFromMean = 0;
        for (int r = 0; r < check.x().length; r++) {
            assertThat(scorer.score(check.x()[r])).isCloseTo(dl4j[r], within(1e-6));
            absError += Math.abs(dl4j[r] - check.y()[r]);
            absFromMean += Math.abs(trained.targetMean() - check.y()[r]);
        }
        assertThat(artifact.getDecisionThreshold()).isNull();
        assertThat(artifact.getOutputScale().getMean()).isEqualTo(trained.targetMean());
        assertThat(absError).isLessThan(absFromMean * 0.5);
    }

    @Test
    void theSameRowsAndParametersGiveTheSameNetwork() {
        // Given the same data and parameters twice
        Rows data = SyntheticData.classification(500, 3);

        // When trained twice
        TrainedNetwork first = train(ModelTask.BINARY_CLASSIFICATION, data, SMALL, new ArrayList<>());
        TrainedNetwork second = train(ModelTask.BINARY_CLASSIFICATION, data, SMALL, new ArrayList<>());

        // Then the losses, the chosen epoch and the predictions are identical
        assertThat(second.epochs()).isEqualTo(first.epochs());
        assertThat(second.bestEpoch()).isEqualTo(first.bestEpoch());
        assertThat(second.predict(data.x())).containsExactly(first.predict(data.x()));

        // And another seed gives another network
        TrainedNetwork other = train(ModelTask.BINARY_CLASSIFICATION, data,
                SMALL.withOverrides(Map.of("seed", "7")), new ArrayList<>());
        assertThat(other.predict(data.x())).isNotEqualTo(first.predict(data.x()));
    }

    @Test
    void theSameRowsAndParametersGiveTheSameMetrics() {
        // Given the same training rows, parameters and holdout twice
        Rows data = SyntheticData.classification(500, 5);
        List<Example> holdout = examples(SyntheticData.classification(150, 6));
        Evaluator evaluator = new Evaluator(new EvaluationSettings(10, 50, 0.95, 42, 0.1, 5));
        CostMatrix costs = new CostMatrix.Classification("cost", Cost.of(5), Cost.of(5), Cost.feature("amount"),
                Cost.of(0));

        // When each is trained, exported and evaluated
        Evaluation[] runs = new Evaluation[2];
        for (int k = 0; k < 2; k++) {
            TrainedNetwork trained = train(ModelTask.BINARY_CLASSIFICATION, data, SMALL, new ArrayList<>());
            Scorer scorer = Scorer.load(ModelArtifactCodec.encode(ArtifactMapper.toArtifact(trained, 0.5)));
            runs[k] = evaluator.evaluate(ModelTask.BINARY_CLASSIFICATION, SyntheticData.INPUTS, holdout, scorer,
                    Optional.empty(), "auc", List.of(), costs, Fairness.Settings.none());
        }

        // Then every metric is identical, and the model learnt the signal
        assertThat(runs[1].overall()).isEqualTo(runs[0].overall());
        assertThat(runs[1].calibration()).isEqualTo(runs[0].calibration());
        assertThat(runs[1].businessCandidate()).isEqualTo(runs[0].businessCandidate());
        assertThat(runs[1].robustness()).isEqualTo(runs[0].robustness());
        assertThat(runs[0].overall().get("auc")).isGreaterThan(0.7);
    }

    @Test
    void reportsEveryEpochAndStopsWhenTheValidationLossNoLongerImproves() {
        // Given a large learning rate, many epochs and little patience, on rows without much signal
        Rows data = SyntheticData.classification(300, 4);
        Hyperparameters eager = SMALL.withOverrides(Map.of("maxEpochs", "200", "patience", "2",
                "learningRate", "0.05", "hiddenLayers", "32,32", "l2", "0"));
        List<EpochProgress> seen = new ArrayList<>();

        // When trained
        TrainedNetwork trained = train(ModelTask.BINARY_CLASSIFICATION, data, eager, seen);

        // Then it stopped early, kept the best epoch, and reported each epoch as it finished
        assertThat(trained.stoppedEarly()).isTrue();
        assertThat(seen).isEqualTo(trained.epochs());
        assertThat(seen).hasSizeLessThan(200);
        assertThat(seen).extracting(EpochProgress::epoch).startsWith(1, 2);
        assertThat(seen).allSatisfy(e -> assertThat(e.maxEpochs()).isEqualTo(200));
        assertThat(seen.size()).isEqualTo(trained.bestEpoch() + 2);
        double best = seen.get(trained.bestEpoch() - 1).validationLoss();
        assertThat(seen).allSatisfy(e -> assertThat(e.validationLoss()).isGreaterThanOrEqualTo(best));
    }

    @Test
    void preparationComesFromTheTrainingRowsOnly() {
        // Given training rows whose first input averages 10, and validation rows far away from it
        double[][] trainRows = {{8, 1, 0, 0}, {12, 2, 1, 0}, {Double.NaN, 3, 1, 0}, {10, 4, 1, 0}};
        double[] trainLabels = {0, 1, 1, 0};
        double[][] validationRows = {{1000, 1, 0, 0}, {2000, 1, 1, 0}};

        // When trained
        TrainedNetwork trained = trainer.train(ModelTask.BINARY_CLASSIFICATION, SyntheticData.INPUTS, trainRows,
                trainLabels, validationRows, new double[] {0, 1}, SMALL, e -> { });

        // Then imputation and normalisation were fitted on the training rows: mean, mode, std > 0 for a constant
        assertThat(trained.preprocessing().imputation()).containsExactly(10.0, 2.5, 1.0, 0.0);
        assertThat(trained.preprocessing().mean()[0]).isEqualTo(10.0);
        assertThat(trained.preprocessing().std()[0]).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(trained.preprocessing().std()[3]).isEqualTo(1.0);
    }

    @Test
    void refusesLabelsItCannotTrainOn() {
        double[][] rows = {{1, 1, 0, 0}, {2, 1, 1, 0}};
        assertThatThrownBy(() -> trainer.train(ModelTask.BINARY_CLASSIFICATION, SyntheticData.INPUTS, rows,
                new double[] {0, Double.NaN}, rows, new double[] {0, 1}, SMALL, e -> { }))
                .isInstanceOf(TrainingFailedException.class)
                .hasMessageContaining("label that is not a number");
        assertThatThrownBy(() -> trainer.train(ModelTask.BINARY_CLASSIFICATION, SyntheticData.INPUTS, rows,
                new double[] {0, 2}, rows, new double[] {0, 1}, SMALL, e -> { }))
                .isInstanceOf(TrainingFailedException.class)
                .hasMessageContaining("labels 0 or 1");
    }

    private static List<Example> examples(Rows rows) {
        List<Example> out = new ArrayList<>();
        for (int r = 0; r < rows.x().length; r++) {
            out.add(new Example("h" + r, Instant.EPOCH.plusSeconds(r), rows.x()[r], Map.of(), rows.y()[r]));
        }
        return out;
    }

    private TrainedNetwork train(ModelTask task, Rows data, Hyperparameters params, List<EpochProgress> seen) {
        int cut = (int) Math.round(data.x().length * (1 - params.validationFraction()));
        Rows fit = data.slice(0, cut);
        Rows validation = data.slice(cut, data.x().length);
        return trainer.train(task, SyntheticData.INPUTS, fit.x(), fit.y(), validation.x(), validation.y(), params,
                seen::add);
    }
}
