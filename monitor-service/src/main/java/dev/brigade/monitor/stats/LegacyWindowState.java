package dev.brigade.monitor.stats;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Reads the hand-written format the open-window store held before WindowState (version byte 1, DataOutputStream
 * fields, the slice counts a trailing section that older values lack). Read only: windows are written back as
 * WindowState, so such values go away as their windows close.
 */
final class LegacyWindowState {

    static final byte FORMAT = 1;

    private LegacyWindowState() {
    }

    static WindowCounts read(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            in.readByte();
            WindowCounts w = new WindowCounts(in.readUTF(), in.readInt(), in.readLong(), in.readLong());
            w.variant = in.readUTF();
            w.lastUpdateWall = in.readLong();
            ServedCounts s = w.served;
            s.predictions = in.readLong();
            s.errors = in.readLong();
            s.cpuMicros = in.readLong();
            w.features.unprofiled = in.readLong();
            readSketch(in, s.latency);
            readLongs(in, s.scoreBins);
            readSketch(in, s.scoreSketch);
            s.scoreSum = in.readDouble();
            readMap(in, w.features.bins);
            readMap(in, w.features.skew);
            w.features.skewPairs = in.readLong();
            OutcomeCounts o = w.outcomes;
            o.labelled = in.readLong();
            readLongs(in, o.positives);
            readLongs(in, o.negatives);
            o.tp = in.readLong();
            o.fp = in.readLong();
            o.tn = in.readLong();
            o.fn = in.readLong();
            o.absErrorSum = in.readDouble();
            o.squaredErrorSum = in.readDouble();
            o.costSum = in.readDouble();
            o.labelDelaySumMillis = in.readDouble();
            if (in.available() > 0) {
                int n = count(in, 100_000, "slice");
                for (int k = 0; k < n; k++) {
                    String key = in.readUTF();
                    double[] c = new double[OutcomeCounts.SLICE_COUNTS];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = in.readDouble();
                    }
                    o.slices.put(key, c);
                }
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable window state of the old format", e);
        }
    }

    /** Sparse: only the non-empty buckets. */
    private static void readSketch(DataInputStream in, LogHistogram h) throws IOException {
        h.total = in.readLong();
        h.sum = in.readDouble();
        h.max = in.readDouble();
        int nonEmpty = in.readShort();
        for (int k = 0; k < nonEmpty; k++) {
            int i = in.readShort();
            if (i < 0 || i >= LogHistogram.BUCKETS) {
                throw new IOException("bucket index out of range: " + i);
            }
            h.counts[i] = in.readLong();
        }
    }

    private static void readLongs(DataInputStream in, long[] into) throws IOException {
        int n = in.readInt();
        if (n != into.length) {
            throw new IOException("expected " + into.length + " counts, found " + n);
        }
        for (int i = 0; i < n; i++) {
            into[i] = in.readLong();
        }
    }

    private static void readMap(DataInputStream in, Map<String, long[]> into) throws IOException {
        int n = count(in, 10_000, "feature");
        for (int k = 0; k < n; k++) {
            String name = in.readUTF();
            long[] c = new long[count(in, 100_000, "bin")];
            for (int i = 0; i < c.length; i++) {
                c[i] = in.readLong();
            }
            into.put(name, c);
        }
    }

    private static int count(DataInputStream in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("implausible " + what + " count " + n);
        }
        return n;
    }
}
