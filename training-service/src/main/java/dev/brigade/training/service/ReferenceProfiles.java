package dev.brigade.training.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.training.Example;
import dev.brigade.training.FeatureProfile;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;

/** The reference profile of the training rows: what the monitor compares live inputs with. */
public final class ReferenceProfiles {

    static final int BINS = 10;

    private ReferenceProfiles() {
    }

    /**
     * Numeric inputs get up to 10 bins with edges at the deciles of the present values (equal edges merged, so
     * edges stay strictly ascending; a constant input gets one bin around its value); the last bin includes its
     * upper edge.
     */
    public static Map<String, FeatureProfile> of(List<InputFeature> inputs, List<Example> rows) {
        Map<String, FeatureProfile> out = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            InputFeature input = inputs.get(i);
            double[] present = presentValues(rows, i);
            double missingRate = rows.isEmpty() ? 1.0 : 1.0 - (double) present.length / rows.size();
            if (input.type() == InputType.BOOLEAN) {
                long trues = Arrays.stream(present).filter(v -> v != 0.0).count();
                List<Double> frequencies = present.length == 0 ? List.of(0.0, 0.0)
                        : List.of(1.0 - (double) trues / present.length, (double) trues / present.length);
                out.put(input.name(), new FeatureProfile(input.type(), null, List.of("false", "true"), frequencies,
                        null, null, missingRate));
            } else {
                out.put(input.name(), numeric(input.type(), present, missingRate));
            }
        }
        return out;
    }

    private static FeatureProfile numeric(InputType type, double[] present, double missingRate) {
        if (present.length == 0) {
            return new FeatureProfile(type, List.of(0.0, 1.0), null, List.of(0.0), 0.0, 0.0, missingRate);
        }
        Arrays.sort(present);
        List<Double> edges = new ArrayList<>();
        for (int b = 0; b <= BINS; b++) {
            double edge = present[(int) Math.min(present.length - 1, Math.round((double) b / BINS
                    * (present.length - 1)))];
            if (edges.isEmpty() || edge > edges.get(edges.size() - 1)) {
                edges.add(edge);
            }
        }
        if (edges.size() == 1) {
            double v = edges.get(0);
            edges = List.of(v - 0.5, v + 0.5);
        }
        long[] counts = new long[edges.size() - 1];
        for (double v : present) {
            int bin = counts.length - 1;
            for (int b = 0; b < counts.length; b++) {
                if (v < edges.get(b + 1)) {
                    bin = b;
                    break;
                }
            }
            counts[bin]++;
        }
        List<Double> frequencies = new ArrayList<>();
        for (long c : counts) {
            frequencies.add((double) c / present.length);
        }
        double mean = Arrays.stream(present).average().orElse(0);
        double variance = Arrays.stream(present).map(v -> (v - mean) * (v - mean)).sum() / present.length;
        return new FeatureProfile(type, edges, null, frequencies, mean, Math.sqrt(variance), missingRate);
    }

    private static double[] presentValues(List<Example> rows, int i) {
        return rows.stream().mapToDouble(e -> e.features()[i]).filter(Double::isFinite).toArray();
    }
}
