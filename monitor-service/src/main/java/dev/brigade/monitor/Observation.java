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

    record Labelled(String id, String useCase, int version, String variant, long time, long servedAt, double score,
            double label, Map<String, Double> costValues) implements Observation {
    }

    enum SkewOutcome {
        MATCH, MISMATCH, IGNORED
    }

    record Skew(String id, String useCase, int version, String variant, long time,
            Map<String, SkewOutcome> features) implements Observation {
    }
}
