package dev.brigade.monitor.stats;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.monitor.FeatureReference;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.ReferenceProfile;

/**
 * A window's served inputs against the version's reference profile (its bins are fixed by the profile), and the
 * training-serving skew of the same events.
 */
public final class FeatureCounts {

    /** Predictions counted without a reference profile (no drift for them). */
    public long unprofiled;
    /** Per reference feature, in profile order: bins, then missing, then out of the reference range. */
    public final Map<String, long[]> bins = new LinkedHashMap<>();
    /** Per feature compared: compared, mismatched, ignored (imputed by the server). */
    public final Map<String, long[]> skew = new LinkedHashMap<>();
    public long skewPairs;
    /** The counters of the profile last used, in its order (not stored: rebuilt on the first add). */
    private ReferenceProfile slotsFor;
    private long[][] slots;

    void add(Observation.Served p, ReferenceProfile profile) {
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
                slots[i] = bins.computeIfAbsent(ref.name(), k -> new long[ref.bins() + 2]);
            }
            slotsFor = profile;
        }
        List<FeatureReference> refs = profile.features();
        Map<String, Observation.Value> served = p.features();
        for (int i = 0; i < slots.length; i++) {
            FeatureReference ref = refs.get(i);
            Observation.Value v = served.get(ref.name());
            Object value = v == null || v.imputed() ? null : v.value();
            if (ref.numeric()) {
                addNumeric(ref, slots[i], value == null ? Double.NaN : asDouble(value));
            } else {
                addCategory(ref, slots[i], value);
            }
        }
    }

    private static void addNumeric(FeatureReference ref, long[] c, double x) {
        if (!Double.isFinite(x)) {
            c[c.length - 2]++;
            return;
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
    }

    /** A category outside the reference counts in the bin after the known ones; an absent value as missing. */
    private static void addCategory(FeatureReference ref, long[] c, Object value) {
        if (value == null) {
            c[c.length - 2]++;
            return;
        }
        int i = ref.categories().indexOf(asCategory(value));
        c[i >= 0 ? i : ref.categories().size()]++;
    }

    void add(Observation.Skew s) {
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

    private static double asDouble(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        return Double.NaN;
    }

    private static String asCategory(Object value) {
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == 1.0 ? "true" : d == 0.0 ? "false" : n.toString();
        }
        return String.valueOf(value);
    }

    void merge(FeatureCounts o) {
        unprofiled += o.unprofiled;
        o.bins.forEach((k, v) -> WindowCounts.addInto(bins.computeIfAbsent(k, x -> new long[v.length]), v));
        o.skew.forEach((k, v) -> WindowCounts.addInto(skew.computeIfAbsent(k, x -> new long[v.length]), v));
        skewPairs += o.skewPairs;
    }
}
