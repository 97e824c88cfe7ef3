package dev.brigade.feature.rest;

import java.time.Instant;
import java.util.List;

import dev.brigade.feature.BackfillProgress;
import dev.brigade.feature.FeatureDefinition;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.mapping.Durations;

/** JSON shapes of the feature-set endpoints. */
final class FeatureSetViews {

    private FeatureSetViews() {
    }

    record FeatureView(String name, String type, String aggregation, String attribute, String window,
            Object defaultValue) {

        static FeatureView of(FeatureDefinition f) {
            return new FeatureView(f.name(), f.type().lowerCase(), f.aggregation().name().toLowerCase(),
                    f.attribute().orElse(null), f.window().map(Durations::format).orElse(null), f.defaultValue());
        }
    }

    record BackfillView(String featureSet, long processed, long total, double percent, boolean done) {

        static BackfillView of(BackfillProgress p) {
            return new BackfillView(p.featureSet(), p.processed(), p.total(), p.percent(), p.done());
        }
    }

    record VersionView(String name, int version, String description, String source, String grace,
            List<String> slices, List<FeatureView> features, String sha256, Instant registeredAt,
            String registeredBy, String yaml, BackfillView backfill) {

        static VersionView of(RegisteredFeatureSet s, BackfillProgress backfill) {
            var d = s.definition();
            return new VersionView(d.name(), d.version(), d.description().orElse(null), d.source().orElse(null),
                    Durations.format(d.grace()), d.slices(), d.features().stream().map(FeatureView::of).toList(),
                    s.sha256(), s.registeredAt(), s.registeredBy().orElse(null), s.yaml(),
                    backfill == null ? null : BackfillView.of(backfill));
        }
    }

    record SetSummary(String name, List<Integer> versions, int latest) {
    }
}
