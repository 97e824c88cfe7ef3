package dev.brigade.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.monitor.Observation;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.WindowSummary;

/** The fairness gaps of a window on realised labels, against values worked out by hand. */
class WindowFairnessTest {

    @Test
    void ratesPerSliceAndTheirGapsOnRealisedLabelsSurviveTheStoreAndMerge() {
        // Given card-fraud-like settings: region protected, threshold 0.5, a slice counts with >= 2 in a denominator
        UseCaseSettings settings = settings(true, 2);
        WindowCounts w = new WindowCounts("uc", 1, 0, 60_000);
        // a: labels 1 1 0 0, scores .9 .4 .6 .1; b: labels 1 0 0 0 0, scores .7 .2 .3 .1 .5; one label without region
        double[] labels = {1, 1, 0, 0, 1, 0, 0, 0, 0, 1};
        double[] scores = {.9, .4, .6, .1, .7, .2, .3, .1, .5, .9};
        String[] regions = {"a", "a", "a", "a", "b", "b", "b", "b", "b", null};
        WindowCounts half = new WindowCounts("uc", 1, 0, 60_000);
        for (int i = 0; i < labels.length; i++) {
            // the first half goes into another window's counts, merged below (as from another partition)
            (i < 3 ? half : w).add(labelled(i, scores[i], labels[i], regions[i]), settings);
        }

        // When the counts go through the store's bytes, are merged, and the window is summarised
        WindowCounts restored = WindowCounts.fromBytes(w.toBytes());
        restored.merge(WindowCounts.fromBytes(half.toBytes()));
        WindowSummary summary = WindowStatistics.summarize(restored, null, settings, Map.of(), DriftSettings.DEFAULT,
                60_000);

        // Then a: PR 2/4, TPR 1/2, FPR 1/2; b: PR 2/5, TPR 1/1, FPR 1/4
        WindowSummary.Fairness f = summary.fairness();
        assertThat(f.minSliceSize()).isEqualTo(2);
        assertThat(f.slices()).extracting(WindowSummary.SliceRates::value, WindowSummary.SliceRates::labelled,
                WindowSummary.SliceRates::positives, WindowSummary.SliceRates::negatives).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", 4L, 2L, 2L),
                        org.assertj.core.groups.Tuple.tuple("b", 5L, 1L, 4L));
        assertThat(f.slices().get(0).metrics()).containsEntry("positiveRate", 0.5)
                .containsEntry("truePositiveRate", 0.5).containsEntry("falsePositiveRate", 0.5);
        assertThat(f.slices().get(1).metrics()).containsEntry("positiveRate", 0.4)
                .containsEntry("truePositiveRate", 1.0).containsEntry("falsePositiveRate", 0.25);
        // And the gaps: PR 0.5 - 0.4 over 9 labels; no TPR gap (b has one positive); FPR 0.5 - 0.25 over 6 negatives
        assertThat(f.gaps()).extracting(WindowSummary.Gap::metric).containsExactly("positiveRate",
                "falsePositiveRate");
        assertThat(f.gaps().get(0).gap()).isCloseTo(0.1, within(1e-12));
        assertThat(f.gaps().get(0).highest()).isEqualTo("a");
        assertThat(f.gaps().get(0).lowest()).isEqualTo("b");
        assertThat(f.gaps().get(1).gap()).isCloseTo(0.25, within(1e-12));
        // And an alert rule may name a gap, with its samples for minSamples
        assertThat(summary.metrics().get("fairness.region.falsePositiveRate.gap")).isCloseTo(0.25, within(1e-12));
        assertThat(summary.samplesOf("fairness.region.positiveRate.gap")).isEqualTo(9);
    }

    @Test
    void aRegressionComparesTheMeanAbsoluteErrorAndNoAttributesMeansNoSection() {
        // Given zone x: labels 10 20, predictions 12 17 (MAE 2.5); zone y: labels 5 5 5, predictions 5 6 8 (4/3)
        UseCaseSettings settings = settings(false, 2);
        WindowCounts w = new WindowCounts("uc", 1, 0, 60_000);
        double[] labels = {10, 20, 5, 5, 5};
        double[] predictions = {12, 17, 5, 6, 8};
        String[] zones = {"x", "x", "y", "y", "y"};
        for (int i = 0; i < labels.length; i++) {
            w.add(new Observation.Labelled("p" + i, "uc", 1, "CHAMPION", 1000, 500, predictions[i], labels[i],
                    Map.of(), "e" + i, Map.of(), Map.of("region", zones[i])), settings);
        }

        // When summarised
        WindowSummary.Fairness f = WindowStatistics.fairness(w, settings);

        // Then the MAE gap is 2.5 - 4/3, x above y; without protected attributes there is no section
        assertThat(f.gaps()).singleElement().satisfies(g -> {
            assertThat(g.metric()).isEqualTo("mae");
            assertThat(g.gap()).isCloseTo(2.5 - 4.0 / 3, within(1e-12));
            assertThat(g.highest()).isEqualTo("x");
            assertThat(g.samples()).isEqualTo(5);
        });
        assertThat(WindowStatistics.fairness(w, unprotected(settings))).isNull();
    }

    private static Observation.Labelled labelled(int i, double score, double label, String region) {
        return new Observation.Labelled("p" + i, "uc", 1, "CHAMPION", 1000, 500, score, label, Map.of(), "e" + i,
                Map.of(), region == null ? Map.of() : Map.of("region", region));
    }

    private static UseCaseSettings settings(boolean classification, int minSliceSize) {
        return new UseCaseSettings("uc", 1, classification, classification ? 0.5 : null, Duration.ofHours(1),
                UseCaseSettings.CostMatrix.NONE, 0, "EUR", Map.of(), List.of(), List.of(), Duration.ZERO, null,
                List.of("region"), minSliceSize);
    }

    private static UseCaseSettings unprotected(UseCaseSettings s) {
        return new UseCaseSettings(s.name(), s.specVersion(), s.classification(), s.decisionThreshold(),
                s.maxLabelDelay(), s.costMatrix(), s.cpuSecondCost(), s.currency(), s.owners(), s.alertRules(),
                s.retrainSignals(), s.retrainCooldown(), s.businessMetricName());
    }
}
