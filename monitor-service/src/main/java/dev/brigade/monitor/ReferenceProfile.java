package dev.brigade.monitor;

import java.util.List;

/** The training profile a model version's live inputs are compared with; {@code n} rows were profiled. */
public record ReferenceProfile(long n, List<FeatureReference> features) {

    public static final ReferenceProfile EMPTY = new ReferenceProfile(0, List.of());
}
