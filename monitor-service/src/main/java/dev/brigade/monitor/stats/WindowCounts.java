package dev.brigade.monitor.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.monitor.FeatureReference;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.UseCaseSettings;

/**
 * The state of one open window of one model version: counts only, so it is small, mergeable and cheap to keep in a
 * changelogged store. Feature bins are fixed by the version's reference profile; latency and regression scores
 * go into log sketches; classification scores into fixed bins per realised class (for AUC).
 */
public final class WindowCounts {

    static final int SCORE_BINS = 20;
    static final int AUC_BINS = 200;
    private static final int FORMAT = 1;

    public final String useCase;
    public final int version;
    public final long start;
    public final long end;
    public String variant = "";
    /** Wall-clock time of the last update: a window without traffic closes a grace period after it. */
    public long lastUpdateWall;

    // served predictions
    public long predictions;
    public long errors;
    public long cpuMicros;
    public long unprofiled;
    public final LogHistogram latency = new LogHistogram();
    public final long[] scoreBins = new long[SCORE_BINS];
    public final LogHistogram scoreSketch = new LogHistogram();
    public double scoreSum;
    /** The counters of the profile last used, in its order (not stored: rebuilt on the first add). */
    private ReferenceProfile slotsFor;
    private long[][] slots;
    /** Per reference feature, in profile order: bins, then missing, then out of the reference range. */
    public final Map<String, long[]> features = new LinkedHashMap<>();

    // skew: per feature compared, mismatched, ignored (imputed by the server)
    public final Map<String, long[]> skew = new LinkedHashMap<>();
    public long skewPairs;

    // realised performance of labels arriving in this window
    public long labelled;
    public final long[] positives = new long[AUC_BINS];
    public final long[] negatives = new long[AUC_BINS];
    public long tp;
    public long fp;
    public long tn;
    public long fn;
    public double absErrorSum;
    public double squaredErrorSum;
    public double costSum;
    public double labelDelaySumMillis;
    /**
     * Per protected attribute and slice value (key {@link #sliceKey}), of the labels arriving in this window:
     * labelled, positives, decided positive, true positives, false positives, sum of absolute errors.
     */
    public final Map<String, double[]> slices = new LinkedHashMap<>();
    static final int SLICE_COUNTS = 6;

    public WindowCounts(String useCase, int version, long start, long end) {
        this.useCase = useCase;
        this.version = version;
        this.start = start;
        this.end = end;
    }

    public void add(Observation.Served p, ReferenceProfile profile) {
        predictions++;
        variant = p.variant();
        if (p.error()) {
            errors++;
        }
        cpuMicros += Math.max(0, p.cpuMicros());
        latency.add(p.latencyMicros());
        double s = p.score();
        if (Double.isFinite(s)) {
            scoreSum += s;
            scoreBins[(int) Math.max(0, Math.min(SCORE_BINS - 1, Math.floor(s * SCORE_BINS)))]++;
            scoreSketch.add(s * 1000.0);
        }
        if (profile == null || profile.features().isEmpty()) {
            unprofiled++;
            return;
        }
        if (profile != slotsFor) {
            // resolve the profile's counters once, not per prediction and feature
            List<FeatureReference> refs = profile.features();
            slots = new long[refs.size()][];
            for (int i = 0; i < refs.size(); i++) {
                FeatureReference ref = refs.get(i);
                slots[i] = features.computeIfAbsent(ref.name(), k -> new long[ref.bins() + 2]);
            }
            slotsFor = profile;
        }
        List<FeatureReference> refs = profile.features();
        Map<String, Observation.Value> served = p.features();
        for (int i = 0; i < slots.length; i++) {
            FeatureReference ref = refs.get(i);
            long[] c = slots[i];
            Observation.Value v = served.get(ref.name());
            Object value = v == null || v.imputed() ? null : v.value();
            if (ref.numeric()) {
                double x = value == null ? Double.NaN : asDouble(value);
                if (!Double.isFinite(x)) {
                    c[c.length - 2]++;
                    continue;
                }
                double[] edges = ref.edges();
                int found = Arrays.binarySearch(edges, x);
                int bin = found >= 0 ? found : -found - 2; // the last edge <= x
                if (found == edges.length - 1) {
                    bin = edges.length - 2; // the last bin includes its upper edge
                } else if (bin < 0 || bin > edges.length - 2) {
                    c[c.length - 1]++; // outside the reference range: counted in the end bin, and as such
                    bin = bin < 0 ? 0 : edges.length - 2;
                }
                c[bin]++;
            } else {
                int bin = value == null ? -1 : bin(ref, value);
                if (bin < 0) {
                    c[c.length - 2]++;
                } else {
                    c[bin]++;
                }
            }
        }
    }

    public void add(Observation.Labelled l, UseCaseSettings settings) {
        labelled++;
        labelDelaySumMillis += Math.max(0, l.time() - l.servedAt());
        UseCaseSettings.CostMatrix cost = settings.costMatrix();
        if (settings.classification()) {
            boolean actual = l.label() >= 0.5;
            boolean predicted = l.score() >= settings.threshold();
            int b = (int) Math.max(0, Math.min(AUC_BINS - 1, Math.floor(l.score() * AUC_BINS)));
            if (actual) {
                positives[b]++;
            } else {
                negatives[b]++;
            }
            UseCaseSettings.Cell cell;
            if (actual && predicted) {
                tp++;
                cell = cost.truePositive();
            } else if (!actual && predicted) {
                fp++;
                cell = cost.falsePositive();
            } else if (actual) {
                fn++;
                cell = cost.falseNegative();
            } else {
                tn++;
                cell = cost.trueNegative();
            }
            costSum += cell.cost(l.costValues());
        } else {
            double err = l.score() - l.label();
            absErrorSum += Math.abs(err);
            squaredErrorSum += err * err;
            costSum += err < 0 ? -err * cost.underPrediction() : err * cost.overPrediction();
        }
        addSlices(l, settings);
    }

    public static String sliceKey(String attribute, String value) {
        return attribute + "\u001f" + value;
    }

    /** The counts behind the fairness gaps, for each protected attribute the label's event has a value for. */
    private void addSlices(Observation.Labelled l, UseCaseSettings settings) {
        for (String attribute : settings.protectedAttributes()) {
            String value = l.slices().get(attribute);
            if (value == null) {
                continue;
            }
            double[] c = slices.computeIfAbsent(sliceKey(attribute, value), k -> new double[SLICE_COUNTS]);
            c[0]++;
            if (settings.classification()) {
                boolean actual = l.label() >= 0.5;
                boolean predicted = l.score() >= settings.threshold();
                c[1] += actual ? 1 : 0;
                c[2] += predicted ? 1 : 0;
                c[3] += actual && predicted ? 1 : 0;
                c[4] += !actual && predicted ? 1 : 0;
            } else {
                c[5] += Math.abs(l.score() - l.label());
            }
        }
    }

    public void add(Observation.Skew s) {
        skewPairs++;
        for (Map.Entry<String, Observation.SkewOutcome> e : s.features().entrySet()) {
            long[] c = skew.computeIfAbsent(e.getKey(), k -> new long[3]);
            switch (e.getValue()) {
                case MATCH -> c[0]++;
                case MISMATCH -> {
                    c[0]++;
                    c[1]++;
                }
                case IGNORED -> c[2]++;
                default -> throw new IllegalStateException();
            }
        }
    }

    /** The reference bin of a present value, or -1 when it cannot be read as the feature's type (missing). */
    static int bin(FeatureReference ref, Object value) {
        if (value == null) {
            return -1;
        }
        if (ref.numeric()) {
            double v = asDouble(value);
            if (!Double.isFinite(v)) {
                return -1;
            }
            double[] edges = ref.edges();
            int i = Arrays.binarySearch(edges, v);
            int bin = i >= 0 ? i : -i - 2; // index of the last edge <= v
            return Math.max(0, Math.min(edges.length - 2, bin)); // outside the reference range: the end bins
        }
        String category = asCategory(value);
        int i = ref.categories().indexOf(category);
        return i >= 0 ? i : ref.categories().size();
    }

    static double asDouble(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        return Double.NaN;
    }

    static String asCategory(Object value) {
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == 1.0 ? "true" : d == 0.0 ? "false" : n.toString();
        }
        return String.valueOf(value);
    }

    /** Adds another window's counts (same use case and version): windows of several partitions or instances. */
    public void merge(WindowCounts o) {
        predictions += o.predictions;
        errors += o.errors;
        cpuMicros += o.cpuMicros;
        unprofiled += o.unprofiled;
        latency.merge(o.latency);
        scoreSketch.merge(o.scoreSketch);
        scoreSum += o.scoreSum;
        addInto(scoreBins, o.scoreBins);
        o.features.forEach((k, v) -> addInto(features.computeIfAbsent(k, x -> new long[v.length]), v));
        o.skew.forEach((k, v) -> addInto(skew.computeIfAbsent(k, x -> new long[v.length]), v));
        skewPairs += o.skewPairs;
        labelled += o.labelled;
        addInto(positives, o.positives);
        addInto(negatives, o.negatives);
        tp += o.tp;
        fp += o.fp;
        tn += o.tn;
        fn += o.fn;
        absErrorSum += o.absErrorSum;
        squaredErrorSum += o.squaredErrorSum;
        costSum += o.costSum;
        labelDelaySumMillis += o.labelDelaySumMillis;
        o.slices.forEach((k, v) -> {
            double[] into = slices.computeIfAbsent(k, x -> new double[SLICE_COUNTS]);
            for (int i = 0; i < SLICE_COUNTS; i++) {
                into[i] += v[i];
            }
        });
        lastUpdateWall = Math.max(lastUpdateWall, o.lastUpdateWall);
    }

    private static void addInto(long[] into, long[] from) {
        for (int i = 0; i < Math.min(into.length, from.length); i++) {
            into[i] += from[i];
        }
    }

    // ---- binary form for the state store (never Java serialization) ----

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeUTF(useCase);
            out.writeInt(version);
            out.writeLong(start);
            out.writeLong(end);
            out.writeUTF(variant);
            out.writeLong(lastUpdateWall);
            out.writeLong(predictions);
            out.writeLong(errors);
            out.writeLong(cpuMicros);
            out.writeLong(unprofiled);
            latency.write(out);
            writeLongs(out, scoreBins);
            scoreSketch.write(out);
            out.writeDouble(scoreSum);
            writeMap(out, features);
            writeMap(out, skew);
            out.writeLong(skewPairs);
            out.writeLong(labelled);
            writeLongs(out, positives);
            writeLongs(out, negatives);
            out.writeLong(tp);
            out.writeLong(fp);
            out.writeLong(tn);
            out.writeLong(fn);
            out.writeDouble(absErrorSum);
            out.writeDouble(squaredErrorSum);
            out.writeDouble(costSum);
            out.writeDouble(labelDelaySumMillis);
            // A trailing section, absent in state written before it: the counts per protected slice.
            out.writeInt(slices.size());
            for (Map.Entry<String, double[]> e : slices.entrySet()) {
                out.writeUTF(e.getKey());
                for (int i = 0; i < SLICE_COUNTS; i++) {
                    out.writeDouble(e.getValue()[i]);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WindowCounts fromBytes(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IOException("unknown window state format " + format);
            }
            WindowCounts w = new WindowCounts(in.readUTF(), in.readInt(), in.readLong(), in.readLong());
            w.variant = in.readUTF();
            w.lastUpdateWall = in.readLong();
            w.predictions = in.readLong();
            w.errors = in.readLong();
            w.cpuMicros = in.readLong();
            w.unprofiled = in.readLong();
            w.latency.merge(LogHistogram.read(in));
            readLongs(in, w.scoreBins);
            w.scoreSketch.merge(LogHistogram.read(in));
            w.scoreSum = in.readDouble();
            readMap(in, w.features);
            readMap(in, w.skew);
            w.skewPairs = in.readLong();
            w.labelled = in.readLong();
            readLongs(in, w.positives);
            readLongs(in, w.negatives);
            w.tp = in.readLong();
            w.fp = in.readLong();
            w.tn = in.readLong();
            w.fn = in.readLong();
            w.absErrorSum = in.readDouble();
            w.squaredErrorSum = in.readDouble();
            w.costSum = in.readDouble();
            w.labelDelaySumMillis = in.readDouble();
            if (in.available() > 0) {
                int n = in.readInt();
                if (n < 0 || n > 100_000) {
                    throw new IOException("implausible slice count " + n);
                }
                for (int k = 0; k < n; k++) {
                    String key = in.readUTF();
                    double[] c = new double[SLICE_COUNTS];
                    for (int i = 0; i < SLICE_COUNTS; i++) {
                        c[i] = in.readDouble();
                    }
                    w.slices.put(key, c);
                }
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
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

    private static void writeMap(DataOutputStream out, Map<String, long[]> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, long[]> e : map.entrySet()) {
            out.writeUTF(e.getKey());
            writeLongs(out, e.getValue());
        }
    }

    private static void readMap(DataInputStream in, Map<String, long[]> into) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("implausible feature count " + n);
        }
        for (int k = 0; k < n; k++) {
            String name = in.readUTF();
            int len = in.readInt();
            if (len < 0 || len > 100_000) {
                throw new IOException("implausible bin count " + len);
            }
            long[] c = new long[len];
            for (int i = 0; i < len; i++) {
                c[i] = in.readLong();
            }
            into.put(name, c);
        }
    }

    public List<String> featureNames() {
        return List.copyOf(features.keySet());
    }
}
