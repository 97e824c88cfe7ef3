package dev.brigade.monitor;

import java.util.Arrays;
import java.util.List;

/**
 * One input's reference distribution from the model's training profile (docs/model-artifacts.md): numeric inputs
 * have ascending bin edges, boolean and string inputs categories; frequencies are shares of the present values.
 */
public record FeatureReference(String name, String type, double[] edges, List<String> categories,
        double[] frequencies, double missingRate) {

    public boolean numeric() {
        return edges != null;
    }

    /** Live bins: numeric inputs one per reference bin; categorical inputs one per category plus "other". */
    public int bins() {
        return numeric() ? edges.length - 1 : categories.size() + 1;
    }

    /** Reference shares aligned with {@link #bins()}: "other" has share 0 in the reference. */
    public double[] referenceShares() {
        return numeric() ? frequencies : Arrays.copyOf(frequencies, frequencies.length + 1);
    }

    /** Bin labels for charts: "[lo, hi)" per numeric bin, the category names plus "(other)". */
    public List<String> binLabels() {
        if (!numeric()) {
            List<String> labels = new java.util.ArrayList<>(categories);
            labels.add("(other)");
            return labels;
        }
        List<String> labels = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < edges.length; i++) {
            labels.add(fmt(edges[i]) + ".." + fmt(edges[i + 1]));
        }
        return labels;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v) : String.format("%.3g", v);
    }
}
