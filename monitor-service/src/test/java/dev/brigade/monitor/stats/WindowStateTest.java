package dev.brigade.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.brigade.monitor.FeatureReference;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.UseCaseSettings;

/**
 * The open-window store's values: WindowState (Avro, from events/) now, and the hand-written format written before
 * it, which a store or its changelog may still hold. The fixtures were written by that codec from {@link #sample}.
 */
class WindowStateTest {

    @Test
    void stateWrittenByTheOldCodecDecodesToTheSameCounts() throws IOException {
        // Given the bytes the old codec wrote for the sample window
        byte[] old = fixture("stats/window-state-legacy.bin");
        assertThat(old[0]).isEqualTo((byte) 1);

        // When they are read from the store
        WindowCounts back = WindowCounts.fromBytes(old);

        // Then every count is the sample's: its new form is byte for byte the sample's
        WindowCounts expected = sample();
        assertThat(back.toBytes()).isEqualTo(expected.toBytes());
        assertThat(back.served.predictions).isEqualTo(401);
        assertThat(back.served.errors).isEqualTo(1);
        assertThat(back.served.latency).isEqualTo(expected.served.latency);
        assertThat(back.features.unprofiled).isEqualTo(1);
        assertThat(back.features.bins.get("amount")).containsExactly(expected.features.bins.get("amount"));
        assertThat(back.features.skew.get("amount")).containsExactly(2, 1, 1);
        assertThat(back.outcomes.labelled).isEqualTo(7);
        assertThat(back.outcomes.slices.get(OutcomeCounts.sliceKey("region", "b"))).containsExactly(2, 1, 1, 1, 0, 0);
        assertThat(back.lastUpdateWall).isEqualTo(1_700_000_123_456L);
        assertThat(back.variant).isEqualTo("CHALLENGER");
    }

    @Test
    void stateWrittenBeforeTheSliceCountsStillDecodes() throws IOException {
        // Given old bytes from before the trailing slice section existed (the sample's, cut where it starts)
        byte[] old = fixture("stats/window-state-legacy-before-slices.bin");

        // When read, Then the counts are the sample's without slices
        WindowCounts back = WindowCounts.fromBytes(old);
        assertThat(back.outcomes.slices).isEmpty();
        assertThat(back.outcomes.labelled).isEqualTo(7);
        assertThat(back.served.predictions).isEqualTo(401);
    }

    @Test
    void newStateIsAnAvroSingleObjectThatSurvivesItsRoundTrip() {
        // Given a window with every kind of count
        WindowCounts w = sample();

        // When written and read again
        byte[] bytes = w.toBytes();
        WindowCounts back = WindowCounts.fromBytes(bytes);

        // Then it is a WindowState single object (marker C3 01) and reads back to the same counts and order
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(back.toBytes()).isEqualTo(bytes);
        assertThat(back.features.bins.keySet()).containsExactly("amount", "online");
        assertThat(back.served.scoreSketch).isEqualTo(w.served.scoreSketch);
        assertThat(back.served.latency.quantile(0.99)).isEqualTo(w.served.latency.quantile(0.99));
    }

    @Test
    void bytesOfNeitherFormAreRefused() {
        assertThatThrownBy(() -> WindowCounts.fromBytes(new byte[] {7, 0, 1})).isInstanceOf(RuntimeException.class)
                .hasMessageContaining("window state");
    }

    /** Served (with and without a profile), skew and labels of both tasks, with a protected slice. */
    static WindowCounts sample() {
        ReferenceProfile profile = new ReferenceProfile(1000, List.of(
                new FeatureReference("amount", "DOUBLE", new double[] {-6, -1, 0, 1, 6}, null,
                        new double[] {0.15, 0.35, 0.35, 0.15}, 0.0),
                new FeatureReference("online", "BOOLEAN", null, List.of("false", "true"), new double[] {0.6, 0.4},
                        0.0)));
        WindowCounts w = new WindowCounts("card-fraud", 1, 180_000L, 240_000L);
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            Map<String, Observation.Value> f = new TreeMap<>();
            f.put("amount", new Observation.Value(i % 50 == 0 ? 9.5 : random.nextGaussian(), i % 97 == 0));
            f.put("online", new Observation.Value(random.nextDouble() < 0.4, false));
            w.add(new Observation.Served("p" + i, "card-fraud", 1, "CHAMPION", 180_000L + i, 500 + random.nextInt(
                    5000), 40 + i % 7, random.nextDouble(), false, f), profile);
        }
        w.add(new Observation.Served("x", "card-fraud", 1, "CHALLENGER", 200_000L, 90_000, 80, Double.NaN, true,
                Map.of()), null);
        w.add(new Observation.Skew("s1", "card-fraud", 1, "CHAMPION", 200_000L, new TreeMap<>(Map.of(
                "amount", Observation.SkewOutcome.MISMATCH, "online", Observation.SkewOutcome.MATCH))));
        w.add(new Observation.Skew("s2", "card-fraud", 1, "CHAMPION", 200_000L, new TreeMap<>(Map.of(
                "amount", Observation.SkewOutcome.MATCH))));
        w.add(new Observation.Skew("s3", "card-fraud", 1, "CHAMPION", 200_000L, new TreeMap<>(Map.of(
                "amount", Observation.SkewOutcome.IGNORED))));
        UseCaseSettings classification = settings(true);
        double[] scores = {.9, .6, .6, .1, .7};
        double[] labels = {1, 1, 0, 0, 1};
        String[] regions = {"a", "b", "a", "b", null};
        for (int i = 0; i < scores.length; i++) {
            w.add(new Observation.Labelled("p" + i, "card-fraud", 1, "CHAMPION", 220_000L, 180_000L + i, scores[i],
                    labels[i], Map.of(), "e" + i, Map.of(), regions[i] == null ? Map.of()
                            : Map.of("region", regions[i])), classification);
        }
        UseCaseSettings regression = settings(false);
        w.add(new Observation.Labelled("r1", "card-fraud", 1, "CHAMPION", 230_000L, 200_000L, 12, 10, Map.of(), "e",
                Map.of(), Map.of("region", "a")), regression);
        w.add(new Observation.Labelled("r2", "card-fraud", 1, "CHAMPION", 231_000L, 200_000L, 3, 5, Map.of()),
                regression);
        w.lastUpdateWall = 1_700_000_123_456L;
        return w;
    }

    private static UseCaseSettings settings(boolean classification) {
        UseCaseSettings.CostMatrix cost = new UseCaseSettings.CostMatrix(UseCaseSettings.Cell.ZERO,
                new UseCaseSettings.Cell(5, null), new UseCaseSettings.Cell(100, null), UseCaseSettings.Cell.ZERO,
                2, 1);
        return new UseCaseSettings("card-fraud", 1, classification, classification ? 0.5 : null,
                Duration.ofHours(1), cost, 0, "EUR", Map.of(), List.of(), List.of(), Duration.ZERO, null,
                List.of("region"), 2);
    }

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in = WindowStateTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }
}
