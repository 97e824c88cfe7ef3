package dev.brigade.monitor;

import java.util.Map;

/**
 * What the join stage hands to the window stage, keyed by use case: a served prediction, a prediction that met its
 * label, or a comparison of served and offline features. {@code time} places it in a window: serving time for
 * predictions, label time for labels (performance is judged in the window the label arrives in), the later of
 * serving and offline computation for skew.
 */
public sealed interface Observation permits Observation.Served, Observation.Labelled, Observation.Skew {

    String id();

    String useCase();

    int version();

    String variant();

    long time();

    /** A feature value as served; {@code imputed} when the server filled it in (missing for drift). */
    record Value(Object value, boolean imputed) {
    }

    record Served(String id, String useCase, int version, String variant, long time, long latencyMicros,
            long cpuMicros, double score, boolean error, Map<String, Value> features) implements Observation {
    }

    /**
     * A prediction that met its label. eventId, features (as served, null where missing) and slices (from the
     * offline vector) are what the costliest-errors list shows; they are empty when the join no longer had them.
     */
    record Labelled(String id, String useCase, int version, String variant, long time, long servedAt, double score,
            double label, Map<String, Double> costValues, String eventId, Map<String, Object> features,
            Map<String, String> slices) implements Observation {

        public Labelled {
            features = features == null ? Map.of() : features;
            slices = slices == null ? Map.of() : slices;
        }

        public Labelled(String id, String useCase, int version, String variant, long time, long servedAt,
                double score, double label, Map<String, Double> costValues) {
            this(id, useCase, version, variant, time, servedAt, score, label, costValues, null, Map.of(), Map.of());
        }
    }

    enum SkewOutcome {
        MATCH, MISMATCH, IGNORED
    }

    record Skew(String id, String useCase, int version, String variant, long time,
            Map<String, SkewOutcome> features) implements Observation {
    }
}
