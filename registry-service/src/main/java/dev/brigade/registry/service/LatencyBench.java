package dev.brigade.registry.service;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

import dev.brigade.model.Scorer;

/**
 * Measures a model the way serving runs it: {@link Scorer} on one row at a time. Rows are random around the
 * model's imputation values with a few missing inputs, so the imputation path is timed too; the seed is fixed so
 * two models are timed on the same rows.
 */
public final class LatencyBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LatencyBench() {
    }

    public static LatencyMeasurement measure(Scorer scorer, int warmup, int predictions) {
        Scorer.Session session = scorer.newSession();
        double[][] rows = rows(scorer, 256, 42);
        double sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += session.score(rows[i % rows.length]);
        }
        long[] nanos = new long[predictions];
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        long cpuStart = cpu ? THREADS.getCurrentThreadCpuTime() : 0;
        long wallStart = System.nanoTime();
        for (int i = 0; i < predictions; i++) {
            long start = System.nanoTime();
            sink += session.score(rows[i % rows.length]);
            nanos[i] = System.nanoTime() - start;
        }
        long wall = System.nanoTime() - wallStart;
        long cpuNanos = cpu ? THREADS.getCurrentThreadCpuTime() - cpuStart : wall;
        if (Double.isNaN(sink)) {
            // Keeps the JIT from discarding the scoring; a NaN score would be a scorer bug worth knowing.
            throw new IllegalStateException("the model produced NaN scores");
        }
        Arrays.sort(nanos);
        double sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return new LatencyMeasurement(predictions, percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6,
                sum / predictions / 1e6, cpuNanos / 1e9 / predictions);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double[][] rows(Scorer scorer, int count, long seed) {
        Random random = new Random(seed);
        int width = scorer.inputCount();
        double[][] rows = new double[count][width];
        for (double[] row : rows) {
            for (int i = 0; i < width; i++) {
                double centre = scorer.imputation(i);
                row[i] = random.nextDouble() < 0.05 ? Double.NaN
                        : centre + random.nextGaussian() * (Math.abs(centre) + 1.0);
            }
        }
        return rows;
    }
}
