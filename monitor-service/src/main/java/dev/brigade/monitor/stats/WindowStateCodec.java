package dev.brigade.monitor.stats;

import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import dev.brigade.events.WindowFeatures;
import dev.brigade.events.WindowNamedCounts;
import dev.brigade.events.WindowOutcomes;
import dev.brigade.events.WindowServed;
import dev.brigade.events.WindowSketch;
import dev.brigade.events.WindowSliceCounts;
import dev.brigade.events.WindowState;
import dev.brigade.events.serde.EventCodec;

/**
 * The open-window store's values as WindowState records (Avro single objects, marker C3 01), so a change of the
 * state is checked against its history like any event's. Values written before it start with the old format's
 * version byte 1 and go to {@link LegacyWindowState}.
 */
final class WindowStateCodec {

    private static final EventCodec<WindowState> CODEC = EventCodec.of(WindowState.class);

    private WindowStateCodec() {
    }

    static byte[] encode(WindowCounts w) {
        ServedCounts s = w.served;
        FeatureCounts f = w.features;
        OutcomeCounts o = w.outcomes;
        List<WindowSliceCounts> slices = new ArrayList<>(o.slices.size());
        o.slices.forEach((key, counts) -> {
            int split = key.indexOf('\u001f');
            slices.add(new WindowSliceCounts(key.substring(0, split), key.substring(split + 1), doubles(counts)));
        });
        return CODEC.encode(new WindowState(w.useCase, w.version, Instant.ofEpochMilli(w.start),
                Instant.ofEpochMilli(w.end), w.variant, Instant.ofEpochMilli(w.lastUpdateWall),
                new WindowServed(s.predictions, s.errors, s.cpuMicros, sketch(s.latency), longs(s.scoreBins),
                        sketch(s.scoreSketch), s.scoreSum),
                new WindowFeatures(f.unprofiled, named(f.bins), named(f.skew), f.skewPairs),
                new WindowOutcomes(o.labelled, longs(o.positives), longs(o.negatives), o.tp, o.fp, o.tn, o.fn,
                        o.absErrorSum, o.squaredErrorSum, o.costSum, o.labelDelaySumMillis, slices)));
    }

    static WindowCounts decode(byte[] data) {
        if (data.length > 1 && data[0] == (byte) 0xC3 && data[1] == 0x01) {
            return fromState(CODEC.decode(data));
        }
        if (data.length > 0 && data[0] == LegacyWindowState.FORMAT) {
            return LegacyWindowState.read(data);
        }
        throw new IllegalArgumentException("not a window state: neither a WindowState record nor the old format");
    }

    private static WindowCounts fromState(WindowState state) {
        WindowCounts w = new WindowCounts(state.getUseCase(), state.getModelVersion(),
                state.getWindowStart().toEpochMilli(), state.getWindowEnd().toEpochMilli());
        w.variant = state.getVariant();
        w.lastUpdateWall = state.getLastUpdate().toEpochMilli();
        WindowServed served = state.getServed();
        ServedCounts s = w.served;
        s.predictions = served.getPredictions();
        s.errors = served.getErrors();
        s.cpuMicros = served.getCpuMicros();
        into(served.getLatency(), s.latency);
        into(served.getScoreBins(), s.scoreBins);
        into(served.getScoreSketch(), s.scoreSketch);
        s.scoreSum = served.getScoreSum();
        WindowFeatures features = state.getFeatures();
        FeatureCounts f = w.features;
        f.unprofiled = features.getUnprofiled();
        features.getBins().forEach(n -> f.bins.put(n.getName(), toLongs(n.getCounts())));
        features.getSkew().forEach(n -> f.skew.put(n.getName(), toLongs(n.getCounts())));
        f.skewPairs = features.getSkewPairs();
        WindowOutcomes outcomes = state.getOutcomes();
        OutcomeCounts o = w.outcomes;
        o.labelled = outcomes.getLabelled();
        into(outcomes.getPositives(), o.positives);
        into(outcomes.getNegatives(), o.negatives);
        o.tp = outcomes.getTruePositives();
        o.fp = outcomes.getFalsePositives();
        o.tn = outcomes.getTrueNegatives();
        o.fn = outcomes.getFalseNegatives();
        o.absErrorSum = outcomes.getAbsErrorSum();
        o.squaredErrorSum = outcomes.getSquaredErrorSum();
        o.costSum = outcomes.getCostSum();
        o.labelDelaySumMillis = outcomes.getLabelDelaySumMillis();
        for (WindowSliceCounts slice : outcomes.getSlices()) {
            double[] counts = new double[OutcomeCounts.SLICE_COUNTS];
            List<Double> stored = slice.getCounts();
            for (int i = 0; i < Math.min(counts.length, stored.size()); i++) {
                counts[i] = stored.get(i);
            }
            o.slices.put(OutcomeCounts.sliceKey(slice.getAttribute(), slice.getValue()), counts);
        }
        return w;
    }

    /** Sparse: the index and count of each non-empty bucket. */
    private static WindowSketch sketch(LogHistogram h) {
        List<Integer> buckets = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i < LogHistogram.BUCKETS; i++) {
            if (h.counts[i] != 0) {
                buckets.add(i);
                counts.add(h.counts[i]);
            }
        }
        return new WindowSketch(h.total, h.sum, h.max, buckets, counts);
    }

    private static void into(WindowSketch sketch, LogHistogram h) {
        h.total = sketch.getCount();
        h.sum = sketch.getSum();
        h.max = sketch.getMax();
        List<Integer> buckets = sketch.getBuckets();
        List<Long> counts = sketch.getCounts();
        if (buckets.size() != counts.size()) {
            throw new IllegalArgumentException("window state sketch: " + buckets.size() + " buckets, "
                    + counts.size() + " counts");
        }
        for (int k = 0; k < buckets.size(); k++) {
            int i = buckets.get(k);
            if (i < 0 || i >= LogHistogram.BUCKETS) {
                throw new IllegalArgumentException("window state sketch: bucket index out of range: " + i);
            }
            h.counts[i] = counts.get(k);
        }
    }

    private static List<WindowNamedCounts> named(Map<String, long[]> counts) {
        List<WindowNamedCounts> named = new ArrayList<>(counts.size());
        counts.forEach((name, c) -> named.add(new WindowNamedCounts(name, longs(c))));
        return named;
    }

    /** A view, not a copy: the writer only iterates it. */
    private static List<Long> longs(long[] values) {
        return view(values.length, i -> values[i]);
    }

    private static List<Double> doubles(double[] values) {
        return view(values.length, i -> values[i]);
    }

    private static <T> List<T> view(int size, IntFunction<T> get) {
        return new AbstractList<>() {
            @Override
            public T get(int i) {
                return get.apply(i);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private static long[] toLongs(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** Fixed-size counts: a stored array of another length is corrupt, not a smaller window. */
    private static void into(List<Long> values, long[] into) {
        if (values.size() != into.length) {
            throw new IllegalArgumentException("window state: expected " + into.length + " counts, found "
                    + values.size());
        }
        for (int i = 0; i < into.length; i++) {
            into[i] = values.get(i);
        }
    }
}
