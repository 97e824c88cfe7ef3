package dev.brigade.feature.rest;

import java.time.Instant;
import java.util.List;

import dev.brigade.events.text.Durations;
import dev.brigade.feature.BackfillProgress;
import dev.brigade.feature.DataContract;
import dev.brigade.feature.FeatureDefinition;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.service.ContractTally;

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
            String registeredBy, String yaml, BackfillView backfill, ExpectationsView expectations) {

        static VersionView of(RegisteredFeatureSet s, BackfillProgress backfill) {
            var d = s.definition();
            return new VersionView(d.name(), d.version(), d.description().orElse(null), d.source().orElse(null),
                    Durations.format(d.grace()), d.slices(), d.features().stream().map(FeatureView::of).toList(),
                    s.sha256(), s.registeredAt(), s.registeredBy().orElse(null), s.yaml(),
                    backfill == null ? null : BackfillView.of(backfill), ExpectationsView.of(d.contract()));
        }
    }

    record FeatureExpectationView(String feature, Double min, Double max, List<String> categories,
            Double maxMissingRate) {
    }

    /** The declared data contract; null when the version declares none. */
    record ExpectationsView(String freshness, Double positiveShareMin, Double positiveShareMax,
            List<FeatureExpectationView> features) {

        static ExpectationsView of(DataContract c) {
            if (c.isEmpty()) {
                return null;
            }
            return new ExpectationsView(c.freshness().map(Durations::format).orElse(null),
                    c.positiveShareMin().orElse(null), c.positiveShareMax().orElse(null),
                    c.features().stream().map(f -> new FeatureExpectationView(f.feature(), f.min().orElse(null),
                            f.max().orElse(null), f.categories().isEmpty() ? null : f.categories(),
                            f.maxMissingRate().orElse(null))).toList());
        }
    }

    /** The live check of the contract on this instance's data: each expectation and whether it is broken now. */
    record ContractView(String featureSet, int version, boolean broken, int recentMinutes,
            ExpectationsView declared, List<ContractTally.Status> expectations) {

        static ContractView of(ContractTally tally) {
            List<ContractTally.Status> statuses = tally.statuses();
            return new ContractView(tally.set().name(), tally.set().version(),
                    statuses.stream().anyMatch(ContractTally.Status::broken), ContractTally.RECENT_MINUTES,
                    ExpectationsView.of(tally.set().contract()), statuses);
        }
    }

    record SetSummary(String name, List<Integer> versions, int latest) {
    }
}
