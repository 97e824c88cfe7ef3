package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.model.ModelTask;
import dev.brigade.training.Calibration;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.DeltaInterval;
import dev.brigade.training.Example;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;
import dev.brigade.training.ReliabilityBin;

/** Every metric against values worked out by hand (the working is in the comments). */
class MetricsTest {

    private static final double EXACT = 1e-12;

    @Test
    void aucIsTheShareOfPositiveNegativePairsRankedRight() {
        // positives 0.35, 0.8; negatives 0.1, 0.4: pairs (0.35>0.1) (0.35<0.4) (0.8>0.1) (0.8>0.4) -> 3 / 4
        assertThat(ClassificationMetrics.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new double[] {0, 0, 1, 1}))
                .isCloseTo(0.75, within(EXACT));
        // positives 0.5, 0.9; negatives 0.5, 0.2: the tie counts one half -> (0.5 + 1 + 1 + 1) / 4
        assertThat(ClassificationMetrics.auc(new double[] {0.5, 0.5, 0.2, 0.9}, new double[] {1, 0, 0, 1}))
                .isCloseTo(0.875, within(EXACT));
        // one class only: undefined
        assertThat(ClassificationMetrics.auc(new double[] {0.2, 0.7}, new double[] {1, 1})).isNaN();
    }

    @Test
    void logLossIsTheMeanNegativeLogLikelihood() {
        // -(ln 0.9 + ln 0.8) / 2
        assertThat(ClassificationMetrics.logLoss(new double[] {0.9, 0.2}, new double[] {1, 0}))
                .isCloseTo(0.164252033486018, within(EXACT));
        // a certain mistake stays finite: -ln(1e-15)
        assertThat(ClassificationMetrics.logLoss(new double[] {0.0}, new double[] {1}))
                .isCloseTo(34.538776394910684, within(1e-9));
    }

    @Test
    void decisionsArePositiveAtOrAboveTheThreshold() {
        // 0.9/1 TP, 0.6/0 FP, 0.4/1 FN, 0.2/0 TN, 0.5/1 TP (at the threshold counts as positive)
        double[] scores = {0.9, 0.6, 0.4, 0.2, 0.5};
        double[] labels = {1, 0, 1, 0, 1};
        assertThat(ClassificationMetrics.confusion(scores, labels, 0.5))
                .isEqualTo(new ClassificationMetrics.Confusion(2, 1, 1, 1));
        Map<String, Double> all = ClassificationMetrics.all(scores, labels, 0.5);
        assertThat(all.get("accuracy")).isCloseTo(0.6, within(EXACT));
        assertThat(all.get("precision")).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(all.get("recall")).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(all).containsOnlyKeys("auc", "logLoss", "accuracy", "precision", "recall");
        // no positive decision: precision is undefined and left out rather than invented
        assertThat(ClassificationMetrics.all(new double[] {0.1, 0.2}, new double[] {0, 1}, 0.5))
                .doesNotContainKey("precision").containsEntry("recall", 0.0);
    }

    @Test
    void eceIsTheCountWeightedGapOfTheNonEmptyBins() {
        // bin [0, .1): 0.05 -> predicted .05, observed 0; bin [.1, .2): 0.15, 0.12 -> .135 vs .5;
        // bin [.9, 1]: 0.95, 1.0 -> .975 vs 1. ECE = (1 * .05 + 2 * .365 + 2 * .025) / 5 = .166
        Calibration c = CalibrationMetrics.of(new double[] {0.05, 0.15, 0.12, 0.95, 1.0},
                new double[] {0, 1, 0, 1, 1}, 10);
        assertThat(c.ece()).isCloseTo(0.166, within(EXACT));
        assertThat(c.bins()).hasSize(3);
        ReliabilityBin second = c.bins().get(1);
        assertThat(second.lower()).isCloseTo(0.1, within(EXACT));
        assertThat(second.upper()).isCloseTo(0.2, within(EXACT));
        assertThat(second.count()).isEqualTo(2);
        assertThat(second.meanPredicted()).isCloseTo(0.135, within(EXACT));
        assertThat(second.observedRate()).isCloseTo(0.5, within(EXACT));
        assertThat(c.bins().get(2).upper()).isEqualTo(1.0);
    }

    @Test
    void regressionErrors() {
        // errors -1, 1, -1, -2: MAE 5 / 4; RMSE sqrt(7 / 4); actual mean 5.75, total SS 34.75 -> R2 1 - 7 / 34.75;
        // p90 by nearest rank: ceil(0.9 * 4) = 4th of (1, 1, 1, 2)
        double[] predicted = {2, 4, 6, 8};
        double[] actual = {3, 3, 7, 10};
        Map<String, Double> all = RegressionMetrics.all(predicted, actual);
        assertThat(all.get("mae")).isCloseTo(1.25, within(EXACT));
        assertThat(all.get("rmse")).isCloseTo(1.3228756555322954, within(EXACT));
        assertThat(all.get("r2")).isCloseTo(0.7985611510791367, within(EXACT));
        assertThat(all.get("p90AbsoluteError")).isCloseTo(2.0, within(EXACT));
        // constant actual values: R2 is undefined and left out
        assertThat(RegressionMetrics.all(new double[] {1, 2}, new double[] {3, 3})).doesNotContainKey("r2");
    }

    @Test
    void theBusinessMetricIsTheExpectedCostFromTheCostMatrix() {
        // Given the card-fraud matrix: TP 5, FP 5, FN the amount, TN 0
        CostMatrix fraud = new CostMatrix.Classification("expected-cost-per-transaction", Cost.of(5), Cost.of(5),
                Cost.feature("amount"), Cost.of(0));
        List<InputFeature> inputs = List.of(new InputFeature("online", InputType.BOOLEAN),
                new InputFeature("amount", InputType.DOUBLE));
        List<Example> rows = List.of(row(1, 100), row(0, 20), row(1, Double.NaN), row(0, 50));

        // When costed at 0.5: TP 5, FP 5, FN of a missing amount (the mean of 100, 20, 50), TN 0
        double cost = new BusinessMetrics.CostModel(fraud, inputs, rows)
                .expectedCost(new double[] {0.9, 0.7, 0.1, 0.2}, new double[] {1, 0, 1, 0}, 0.5);

        // Then
        assertThat(cost).isCloseTo((5 + 5 + 170.0 / 3 + 0) / 4, within(EXACT));

        // And the ETA matrix: 0.5 per minute late (under-prediction), 0.2 per minute early:
        // errors -1, 1, -1, -2 -> (0.5 + 0.2 + 0.5 + 1.0) / 4
        CostMatrix eta = new CostMatrix.Regression("expected-cost-per-delivery", 0.5, 0.2);
        List<Example> etaRows = List.of(row(0, 0), row(0, 0), row(0, 0), row(0, 0));
        assertThat(new BusinessMetrics.CostModel(eta, inputs, etaRows)
                .expectedCost(new double[] {2, 4, 6, 8}, new double[] {3, 3, 7, 10}, 0.5))
                .isCloseTo(0.55, within(EXACT));

        // And a cost on an input the model does not have fails with the name
        CostMatrix wrong = new CostMatrix.Classification("x", Cost.of(1), Cost.of(1), Cost.feature("price"),
                Cost.of(0));
        assertThatThrownBy(() -> new BusinessMetrics.CostModel(wrong, inputs, rows))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("price");
    }

    @Test
    void theBootstrapIntervalOfAPairedDeltaFollowsTheResampledRows() {
        // Given a candidate without error and a champion with errors 1 and 3 on two rows: a resample of two rows
        // has champion MAE 1 (p 1/4), 2 (p 1/2) or 3 (p 1/4), so delta = -MAE is -3, -2 or -1
        double[] actual = {10, 20};
        double[] candidate = {10, 20};
        double[] champion = {11, 17};

        // When bootstrapped 2000 times at 95%
        DeltaInterval d = Bootstrap.pairedDelta("mae", RegressionMetrics::mae, RegressionMetrics::mae, candidate,
                champion, actual, 2000, 0.95, 7);

        // Then the point delta is -2 and the 2.5% / 97.5% quantiles are the extremes
        assertThat(d.candidate()).isEqualTo(0.0);
        assertThat(d.champion()).isEqualTo(2.0);
        assertThat(d.delta()).isEqualTo(-2.0);
        assertThat(d.ciLow()).isEqualTo(-3.0);
        assertThat(d.ciHigh()).isEqualTo(-1.0);
        assertThat(d.n()).isEqualTo(2);
        assertThat(d.resamples()).isEqualTo(2000);

        // And the same model against itself has delta 0 with a zero-width interval
        DeltaInterval same = Bootstrap.pairedDelta("mae", RegressionMetrics::mae, RegressionMetrics::mae, champion,
                champion, actual, 100, 0.95, 7);
        assertThat(List.of(same.delta(), same.ciLow(), same.ciHigh())).containsOnly(0.0);
    }

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        // position 0.25 * 3 = 0.75: 1 + 0.75 * (2 - 1)
        assertThat(Bootstrap.quantile(new double[] {1, 2, 3, 4}, 0.25)).isCloseTo(1.75, within(EXACT));
        assertThat(Bootstrap.quantile(new double[] {1, 2, 3, 4}, 1.0)).isEqualTo(4.0);
    }

    @Test
    void metricNamesAreThoseOfTheSpecs() {
        double[] scores = {0.9, 0.6, 0.4, 0.2, 0.5};
        double[] labels = {1, 0, 1, 0, 1};
        assertThat(Metrics.named("recall", ModelTask.BINARY_CLASSIFICATION, 0.5).applyAsDouble(scores, labels))
                .isCloseTo(2.0 / 3, within(EXACT));
        assertThat(Metrics.named("mae", ModelTask.REGRESSION, 0.5).applyAsDouble(new double[] {1}, new double[] {3}))
                .isEqualTo(2.0);
        assertThatThrownBy(() -> Metrics.named("mae", ModelTask.BINARY_CLASSIFICATION, 0.5))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("mae is not computed");
    }

    private static Example row(double online, double amount) {
        return new Example("e" + amount, Instant.EPOCH, new double[] {online, amount}, Map.of(), 0);
    }
}
