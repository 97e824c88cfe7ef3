package dev.brigade.monitor.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.brigade.monitor.FeatureReference;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.WindowSummary;
import dev.brigade.monitor.mapping.ObservationCodec;
import dev.brigade.monitor.stats.DriftSettings;
import dev.brigade.monitor.stats.WindowCounts;
import dev.brigade.monitor.stats.WindowStatistics;

/**
 * The drift computation of one window: 100,000 predictions with 20 features (15 numeric with 10 reference bins, 5
 * boolean) counted into the reference's bins and the latency sketch, then PSI, KS / chi-square, Holm and the
 * summary. Baseline, measured in the same run: iterating the same predictions and reading every feature value.
 * Run by bench/run.sh; prints figures, never asserts.
 */
public final class DriftBench {

    static final int N = 100_000;
    static final int NUMERIC = 15;
    static final int BOOLEAN = 5;
    static final int ROUNDS = 7;

    public static void main(String[] args) {
        Random random = new Random(42);
        ReferenceProfile profile = profile();
        List<Observation.Served> window = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            Map<String, Observation.Value> f = new HashMap<>(64);
            for (int k = 0; k < NUMERIC; k++) {
                f.put("num_" + k, new Observation.Value(random.nextGaussian() + (k == 0 ? 0.3 : 0.0), false));
            }
            for (int k = 0; k < BOOLEAN; k++) {
                f.put("flag_" + k, new Observation.Value(random.nextDouble() < 0.4, false));
            }
            window.add(new Observation.Served("p" + i, "bench", 1, "CHAMPION", i, 500 + random.nextInt(2000), 200,
                    random.nextDouble(), false, f));
        }
        List<byte[]> encoded = window.stream().map(ObservationCodec::encode).toList();

        double[] baseline = new double[ROUNDS];
        double[] drift = new double[ROUNDS];
        double[] withDecode = new double[ROUNDS];
        double[] closeOnly = new double[ROUNDS];
        double sink = 0;
        WindowSummary summary = null;
        for (int warm = 0; warm < 3; warm++) {
            sink += iterate(window);
            summary = compute(window, profile);
        }
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            sink += iterate(window);
            long t1 = System.nanoTime();
            summary = compute(window, profile);
            long t2 = System.nanoTime();
            List<Observation.Served> decoded = new ArrayList<>(N);
            for (byte[] b : encoded) {
                decoded.add((Observation.Served) ObservationCodec.decode(b));
            }
            summary = compute(decoded, profile);
            long t3 = System.nanoTime();
            WindowCounts counts = new WindowCounts("bench", 1, 0, 300_000);
            for (Observation.Served p : window) {
                counts.add(p, profile);
            }
            long t4 = System.nanoTime();
            summary = WindowStatistics.summarize(counts, profile, null, Map.of(), DriftSettings.DEFAULT, 0);
            long t5 = System.nanoTime();
            closeOnly[r] = (t5 - t4) / 1e6;
            baseline[r] = (t1 - t0) / 1e6;
            drift[r] = (t2 - t1) / 1e6;
            withDecode[r] = (t3 - t2) / 1e6;
        }
        double b = median(baseline);
        double d = median(drift);
        double w = median(withDecode);
        System.out.printf("window: %,d predictions x %d features (%d numeric x 10 bins, %d boolean), median of %d%n",
                N, NUMERIC + BOOLEAN, NUMERIC, BOOLEAN, ROUNDS);
        System.out.printf("baseline  iterate the predictions, read every feature value : %8.1f ms%n", b);
        System.out.printf("drift     bin counts + sketches + PSI/KS/chi2/Holm/summary   : %8.1f ms  (%.1fx baseline)%n",
                d, d / b);
        System.out.printf("drift incl. decoding the observations from their wire form   : %8.1f ms  (%.1fx baseline)%n",
                w, w / b);
        System.out.printf("close only: statistics from the window's counts (what a close costs): %8.3f ms%n",
                median(closeOnly));
        System.out.printf("target <= 1000 ms: %s%n", d <= 1000 ? "met" : "NOT met");
        System.out.printf("check: %d features, drifted %s, psi(num_0) %.4f (sink %.1f)%n", summary.features().size(),
                summary.features().stream().filter(f -> f.drifted()).map(f -> f.feature()).toList(),
                summary.metrics().get("psi.num_0"), sink);
    }

    static double iterate(List<Observation.Served> window) {
        double sum = 0;
        for (Observation.Served p : window) {
            for (Observation.Value v : p.features().values()) {
                Object o = v.value();
                sum += o instanceof Double x ? x : (o instanceof Boolean bo && bo ? 1 : 0);
            }
            sum += p.latencyMicros();
        }
        return sum;
    }

    static WindowSummary compute(List<Observation.Served> window, ReferenceProfile profile) {
        WindowCounts counts = new WindowCounts("bench", 1, 0, 300_000);
        for (Observation.Served p : window) {
            counts.add(p, profile);
        }
        return WindowStatistics.summarize(counts, profile, null, Map.of(), DriftSettings.DEFAULT, 0);
    }

    static ReferenceProfile profile() {
        double[] z = {-6, -1.28155, -0.84162, -0.52440, -0.25335, 0, 0.25335, 0.52440, 0.84162, 1.28155, 6};
        double[] tenth = new double[10];
        Arrays.fill(tenth, 0.1);
        List<FeatureReference> features = new ArrayList<>();
        for (int k = 0; k < NUMERIC; k++) {
            features.add(new FeatureReference("num_" + k, "DOUBLE", z, null, tenth, 0.0));
        }
        for (int k = 0; k < BOOLEAN; k++) {
            features.add(new FeatureReference("flag_" + k, "BOOLEAN", null, List.of("false", "true"),
                    new double[] {0.6, 0.4}, 0.0));
        }
        return new ReferenceProfile(40_000, features);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
