package dev.brigade.feature.service;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.brigade.feature.Aggregation;
import dev.brigade.feature.DataContract;
import dev.brigade.feature.FeatureDefinition;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureType;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.ValueStatus;

/**
 * The live side of a feature-set version's data contract: every computed vector (and every training example the
 * label join makes) is checked against the version's expectations, counted since start and over the last
 * {@link #RECENT_MINUTES} minutes. "Broken" is judged on the recent counts, so a contract that was broken an hour
 * ago and holds now reads as holding. Thread-safe; one instance per version and service instance.
 */
public final class ContractTally {

    public static final int RECENT_MINUTES = 15;

    /** What one expectation looks like now. {@code feature} is null for the set's own (label balance, freshness). */
    public record Status(String feature, String expectation, String allowed, long checked, long violations,
            long recentChecked, long recentViolations, double recentRate, String observed, boolean broken) {
    }

    /** Called for each value that breaks a per-value expectation (type, range, categories, missing). */
    public interface ViolationSink {
        ViolationSink NONE = (feature, expectation) -> {
        };

        void violated(String feature, String expectation);
    }

    private final FeatureSetDefinition set;
    private final Clock clock;
    private final ViolationSink sink;
    private final List<FeatureChecks> features = new ArrayList<>();
    private final Counts labels = new Counts();
    private volatile Instant newestEvent;

    public ContractTally(FeatureSetDefinition set, Clock clock, ViolationSink sink) {
        this.set = set;
        this.clock = clock;
        this.sink = sink;
        for (FeatureDefinition f : set.features()) {
            features.add(new FeatureChecks(f, set.contract().of(f.name()).orElse(null)));
        }
    }

    public FeatureSetDefinition set() {
        return set;
    }

    /** One computed vector of an event. */
    public void vector(Map<String, FeatureValue> values, Instant eventTime) {
        long minute = minute();
        for (FeatureChecks c : features) {
            c.check(values.get(c.feature.name()), minute);
        }
        Instant newest = newestEvent;
        if (newest == null || eventTime.isAfter(newest)) {
            newestEvent = eventTime;
        }
    }

    /** One training example's label, for the label balance (label 1 is the positive class). */
    public void example(double label) {
        if (set.contract().declaresLabelBalance()) {
            labels.add(minute(), label == 1.0);
        }
    }

    /** Every declared expectation with its counts and whether it is broken now. */
    public List<Status> statuses() {
        long minute = minute();
        List<Status> out = new ArrayList<>();
        for (FeatureChecks c : features) {
            c.statuses(minute, out);
        }
        DataContract contract = set.contract();
        if (contract.declaresLabelBalance()) {
            long[] recent = labels.recent(minute);
            double share = recent[0] == 0 ? Double.NaN : (double) recent[1] / recent[0];
            boolean broken = recent[0] > 0 && (contract.positiveShareMin().map(m -> share < m).orElse(false)
                    || contract.positiveShareMax().map(m -> share > m).orElse(false));
            out.add(new Status(null, "label-balance", "positive share in ["
                    + contract.positiveShareMin().map(ContractTally::number).orElse("0") + ", "
                    + contract.positiveShareMax().map(ContractTally::number).orElse("1") + "]",
                    labels.total(), labels.totalHits(), recent[0], recent[1], share,
                    recent[0] == 0 ? "no labelled example in the last " + RECENT_MINUTES + " minutes"
                            : "positive share " + number(share) + " of " + recent[0] + " examples",
                    broken));
        }
        contract.freshness().ifPresent(max -> {
            Instant newest = newestEvent;
            Duration age = newest == null ? null : Duration.between(newest, clock.instant());
            boolean broken = age == null || age.compareTo(max) > 0;
            out.add(new Status(null, "freshness", "newest event at most " + max + " old", 0, broken ? 1 : 0, 0,
                    broken ? 1 : 0, broken ? 1.0 : 0.0,
                    newest == null ? "no event seen by this instance" : "newest event " + newest + ", " + age
                            + " old", broken));
        });
        return out;
    }

    private long minute() {
        return clock.millis() / 60_000;
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** The checks of one feature: its type always, and whatever the contract declares for it. */
    private final class FeatureChecks {
        final FeatureDefinition feature;
        final DataContract.FeatureExpectation expected;
        final Set<String> categories;
        final Counts type = new Counts();
        final Counts range = new Counts();
        final Counts category = new Counts();
        final Counts missing = new Counts();

        FeatureChecks(FeatureDefinition feature, DataContract.FeatureExpectation expected) {
            this.feature = feature;
            this.expected = expected;
            this.categories = expected == null ? Set.of() : Set.copyOf(expected.categories());
        }

        void check(FeatureValue value, long minute) {
            // A defaulted attribute feature is an event without that attribute (or with an unusable value):
            // missing data, even though the vector carries the default.
            boolean absent = value == null || value.value() == null || value.status() == ValueStatus.MISSING
                    || (feature.aggregation() == Aggregation.ATTRIBUTE && value.status() == ValueStatus.DEFAULTED);
            if (expected != null && expected.maxMissingRate().isPresent()) {
                missing.add(minute, absent);
                if (absent) {
                    sink.violated(feature.name(), "missing");
                }
            }
            if (absent) {
                return;
            }
            Object v = value.value();
            boolean typed = hasType(v, feature.type());
            type.add(minute, !typed);
            if (!typed) {
                sink.violated(feature.name(), "type");
                return;
            }
            if (expected == null) {
                return;
            }
            if ((expected.min().isPresent() || expected.max().isPresent()) && v instanceof Number n) {
                double d = n.doubleValue();
                boolean out = expected.min().map(m -> d < m).orElse(false)
                        || expected.max().map(m -> d > m).orElse(false);
                range.add(minute, out);
                if (out) {
                    sink.violated(feature.name(), "range");
                }
            }
            if (!categories.isEmpty()) {
                boolean unknown = !categories.contains(String.valueOf(v));
                category.add(minute, unknown);
                if (unknown) {
                    sink.violated(feature.name(), "categories");
                }
            }
        }

        void statuses(long minute, List<Status> out) {
            out.add(perValue("type", feature.type().lowerCase(), type, minute));
            if (expected == null) {
                return;
            }
            if (expected.min().isPresent() || expected.max().isPresent()) {
                out.add(perValue("range", "[" + expected.min().map(ContractTally::number).orElse("-inf") + ", "
                        + expected.max().map(ContractTally::number).orElse("inf") + "]", range, minute));
            }
            if (!categories.isEmpty()) {
                out.add(perValue("categories", String.join(", ", expected.categories()), category, minute));
            }
            expected.maxMissingRate().ifPresent(max -> {
                long[] recent = missing.recent(minute);
                double rate = recent[0] == 0 ? 0.0 : (double) recent[1] / recent[0];
                out.add(new Status(feature.name(), "missing", "missing rate at most " + number(max),
                        missing.total(), missing.totalHits(), recent[0], recent[1], rate,
                        "missing rate " + number(rate) + " of " + recent[0] + " vectors", rate > max));
            });
        }

        private Status perValue(String expectation, String allowed, Counts counts, long minute) {
            long[] recent = counts.recent(minute);
            double rate = recent[0] == 0 ? 0.0 : (double) recent[1] / recent[0];
            return new Status(feature.name(), expectation, allowed, counts.total(), counts.totalHits(), recent[0],
                    recent[1], rate, recent[1] + " of " + recent[0] + " values break it", recent[1] > 0);
        }
    }

    static boolean hasType(Object value, FeatureType type) {
        return switch (type) {
            case BOOLEAN -> value instanceof Boolean;
            case LONG -> value instanceof Long || value instanceof Integer;
            case DOUBLE -> value instanceof Double || value instanceof Float;
            case STRING -> value instanceof CharSequence;
        };
    }

    /** Checked and hit counts since start and per minute over the last {@link #RECENT_MINUTES} minutes. */
    private static final class Counts {
        private final long[] minutes = new long[RECENT_MINUTES];
        private final long[] checked = new long[RECENT_MINUTES];
        private final long[] hits = new long[RECENT_MINUTES];
        private long total;
        private long totalHits;

        synchronized void add(long minute, boolean hit) {
            int i = (int) (minute % RECENT_MINUTES);
            if (minutes[i] != minute) {
                minutes[i] = minute;
                checked[i] = 0;
                hits[i] = 0;
            }
            checked[i]++;
            total++;
            if (hit) {
                hits[i]++;
                totalHits++;
            }
        }

        /** {checked, hits} over the minutes (now - RECENT_MINUTES, now]. */
        synchronized long[] recent(long minute) {
            long c = 0;
            long h = 0;
            for (int i = 0; i < RECENT_MINUTES; i++) {
                if (minutes[i] > minute - RECENT_MINUTES && minutes[i] <= minute && checked[i] > 0) {
                    c += checked[i];
                    h += hits[i];
                }
            }
            return new long[] {c, h};
        }

        synchronized long total() {
            return total;
        }

        synchronized long totalHits() {
            return totalHits;
        }
    }
}
