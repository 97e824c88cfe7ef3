package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.model.ModelTask;
import dev.brigade.training.Example;
import dev.brigade.training.Fairness;
import dev.brigade.training.mapping.RegistrationMapper;

/** Rates per slice and the gaps between slices against values worked out by hand. */
class FairnessMetricsTest {

    private static final Instant T = Instant.parse("2026-11-26T09:00:00Z");

    @Test
    void ratesPerSliceAndGapsOverTheSlicesLargeEnoughInEachDenominator() {
        // Given threshold 0.5 and region a: labels 1 1 0 0, scores .9 .4 .6 .1 (decided + + at .9 and .6);
        // b: labels 1 0 0 0 0, scores .7 .2 .3 .1 .5 (decided + at .7 and at .5, the threshold itself);
        // c: one honest row scored .8; and one row without a region
        List<Example> rows = new ArrayList<>();
        double[] labels = {1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1};
        double[] scores = {.9, .4, .6, .1, .7, .2, .3, .1, .5, .8, .9};
        String[] regions = {"a", "a", "a", "a", "b", "b", "b", "b", "b", "c", null};
        for (int i = 0; i < labels.length; i++) {
            rows.add(new Example("e" + i, T, new double[0], regions[i] == null ? Map.of() : Map.of("region",
                    regions[i]), labels[i]));
        }
        double[] championScores = new double[labels.length];

        // When measured with minSliceSize 2
        Fairness f = FairnessMetrics.of(ModelTask.BINARY_CLASSIFICATION, rows, scores, labels, 0.5, championScores,
                0.5, new Fairness.Settings(List.of("region"), 2));

        // Then a: PR 2/4, TPR 1/2, FPR 1/2; b: PR 2/5, TPR 1/1, FPR 1/4; c: PR 1, FPR 1, no TPR (no positives)
        Fairness.Attribute region = f.attributes().get(0);
        assertThat(region.slices()).extracting(Fairness.Slice::value, Fairness.Slice::n, Fairness.Slice::positives,
                Fairness.Slice::negatives).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", 4L, 2L, 2L),
                        org.assertj.core.groups.Tuple.tuple("b", 5L, 1L, 4L),
                        org.assertj.core.groups.Tuple.tuple("c", 1L, 0L, 1L));
        assertThat(region.slices().get(0).metrics()).containsEntry("positiveRate", 0.5)
                .containsEntry("truePositiveRate", 0.5).containsEntry("falsePositiveRate", 0.5);
        assertThat(region.slices().get(1).metrics()).containsEntry("positiveRate", 0.4)
                .containsEntry("truePositiveRate", 1.0).containsEntry("falsePositiveRate", 0.25);
        assertThat(region.slices().get(2).metrics()).containsOnlyKeys("positiveRate", "falsePositiveRate");

        // And the gaps: PR over a and b (c has 1 row) 0.5 - 0.4; no TPR gap (only a has 2 positives);
        // FPR over a and b (c has 1 negative) 0.5 - 0.25
        assertThat(region.gaps()).extracting(Fairness.Gap::metric).containsExactly("positiveRate",
                "falsePositiveRate");
        Fairness.Gap pr = region.gaps().get(0);
        assertThat(pr.gap()).isCloseTo(0.1, within(1e-12));
        assertThat(pr.highest()).isEqualTo("a");
        assertThat(pr.lowest()).isEqualTo("b");
        assertThat(pr.slicesCompared()).isEqualTo(2);
        assertThat(region.gaps().get(1).gap()).isCloseTo(0.25, within(1e-12));
        // The champion decides nothing positive: its rate gaps are 0
        assertThat(region.championGaps()).extracting(Fairness.Gap::gap).containsExactly(0.0, 0.0);

        // And the report section carries it all, as the registry reads it
        ObjectNode section = RegistrationMapper.fairness(new ObjectMapper(), f);
        assertThat(section.get("minSliceSize").asInt()).isEqualTo(2);
        assertThat(section.at("/attributes/0/slices/1/negatives").asLong()).isEqualTo(4);
        assertThat(section.at("/attributes/0/slices/1/metrics/falsePositiveRate").asDouble()).isEqualTo(0.25);
        assertThat(section.at("/attributes/0/gaps/1/metric").asText()).isEqualTo("falsePositiveRate");
        assertThat(section.at("/attributes/0/gaps/1/slicesCompared").asInt()).isEqualTo(2);
        assertThat(section.at("/attributes/0/championGaps").size()).isEqualTo(2);
    }

    @Test
    void aRegressionComparesTheMeanAbsoluteErrorOfEachSlice() {
        // Given zone x: labels 10 20, predictions 12 17 (MAE 2.5); zone y: labels 5 5 5, predictions 5 6 8 (MAE 4/3)
        double[] labels = {10, 20, 5, 5, 5};
        double[] predictions = {12, 17, 5, 6, 8};
        String[] zones = {"x", "x", "y", "y", "y"};
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            rows.add(new Example("e" + i, T, new double[0], Map.of("zone", zones[i]), labels[i]));
        }

        // When measured with minSliceSize 2, and without protected attributes
        Fairness f = FairnessMetrics.of(ModelTask.REGRESSION, rows, predictions, labels, 0.5, null, 0.5,
                new Fairness.Settings(List.of("zone"), 2));
        Fairness none = FairnessMetrics.of(ModelTask.REGRESSION, rows, predictions, labels, 0.5, null, 0.5,
                Fairness.Settings.none());

        // Then the gap is 2.5 - 4/3, x above y, with no counts by class and no champion gaps; none is null
        Fairness.Attribute zone = f.attributes().get(0);
        assertThat(zone.slices().get(0).metrics().get("mae")).isCloseTo(2.5, within(1e-12));
        assertThat(zone.slices().get(1).metrics().get("mae")).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(zone.slices().get(0).positives()).isNull();
        assertThat(zone.gaps()).singleElement().satisfies(g -> {
            assertThat(g.metric()).isEqualTo("mae");
            assertThat(g.gap()).isCloseTo(2.5 - 4.0 / 3, within(1e-12));
            assertThat(g.highest()).isEqualTo("x");
            assertThat(g.lowest()).isEqualTo("y");
        });
        assertThat(zone.championGaps()).isNull();
        assertThat(none).isNull();
        assertThat(FairnessMetrics.of(ModelTask.REGRESSION, rows, predictions, labels, 0.5, null, 0.5,
                new Fairness.Settings(List.of("zone"), 3)).attributes().get(0).gaps()).isEmpty();
    }
}
