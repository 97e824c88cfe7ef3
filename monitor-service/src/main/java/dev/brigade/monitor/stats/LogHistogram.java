package dev.brigade.monitor.stats;

import java.util.Arrays;

/**
 * A mergeable quantile sketch for non-negative values (latencies in microseconds): buckets of geometrically
 * growing width, ratio 1.02, so every quantile is within 1% of the true value whatever the sample size. Merging two
 * windows is adding their buckets. Values below 1 share bucket 0.
 */
public final class LogHistogram {

    static final double GAMMA = 1.02;
    private static final double LOG_GAMMA = Math.log(GAMMA);
    /** 1.02^1400 is about 1e12: an hour in microseconds fits with room to spare. */
    static final int BUCKETS = 1400;

    // package-private for the store's codecs (WindowStateCodec, LegacyWindowState)
    final long[] counts = new long[BUCKETS];
    long total;
    double sum;
    double max;

    public void add(double value) {
        double v = Double.isFinite(value) ? Math.max(0.0, value) : 0.0;
        counts[index(v)]++;
        total++;
        sum += v;
        max = Math.max(max, v);
    }

    public void merge(LogHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    static int index(double v) {
        if (v < 1.0) {
            return 0;
        }
        return (int) Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(v) / LOG_GAMMA));
    }

    /** The bucket's representative value: the geometric middle of [gamma^(i-1), gamma^i). */
    static double value(int index) {
        if (index == 0) {
            return 0.5;
        }
        return Math.pow(GAMMA, index - 0.5);
    }

    /** The q-quantile (nearest rank), or NaN when empty; never above the largest value seen. */
    public double quantile(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(value(i), max);
            }
        }
        return max;
    }

    public long count() {
        return total;
    }

    public double mean() {
        return total == 0 ? Double.NaN : sum / total;
    }

    public double max() {
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogHistogram h && total == h.total && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }
}
