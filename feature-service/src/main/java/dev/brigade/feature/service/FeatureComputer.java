package dev.brigade.feature.service;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.FeatureDefinition;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.HistoryLayout;
import dev.brigade.feature.PastEvent;
import dev.brigade.feature.ValueStatus;

/**
 * The one implementation of feature semantics, used offline (the Streams topology, for every raw event) and online
 * (look-ups as of now), so that training and serving see the same numbers.
 *
 * <p>Point in time by construction: the features at time t read only events strictly before t, within each
 * feature's window [t - window, t), plus the current event's own attributes.
 */
public final class FeatureComputer {

    private FeatureComputer() {
    }

    /**
     * @param history the entity's events (in any order); events at or after {@code at} are ignored
     * @param current the current event's attributes, or null for a look-up without an event
     */
    public static Map<String, FeatureValue> compute(FeatureSetDefinition set, List<PastEvent> history, Instant at,
            Map<String, Object> current) {
        return compute(set, EntityHistory.of(HistoryLayout.of(set), history), at, current);
    }

    /**
     * @param history the entity's events, kept with {@link HistoryLayout#of} of this set; events at or after
     *        {@code at} are ignored
     * @param current the current event's attributes, or null for a look-up without an event
     */
    public static Map<String, FeatureValue> compute(FeatureSetDefinition set, EntityHistory history, Instant at,
            Map<String, Object> current) {
        Window window = new Window(history, at.toEpochMilli());
        Map<String, FeatureValue> values = new LinkedHashMap<>();
        List<FeatureDefinition> features = set.features();
        for (int i = 0; i < features.size(); i++) {
            FeatureDefinition feature = features.get(i);
            values.put(feature.name(), compute(feature, i, window, current));
        }
        return values;
    }

    private static FeatureValue compute(FeatureDefinition f, int index, Window w, Map<String, Object> current) {
        if (f.aggregation().usesCurrentEvent() && current == null) {
            return new FeatureValue(null, ValueStatus.MISSING);
        }
        if (f.aggregation() == dev.brigade.feature.Aggregation.ATTRIBUTE) {
            return f.type().coerce(current.get(f.attribute().orElseThrow()))
                    .map(v -> new FeatureValue(v, ValueStatus.PRESENT))
                    .orElseGet(() -> new FeatureValue(f.defaultValue(), ValueStatus.DEFAULTED));
        }
        if (!w.hasHistory()) {
            return new FeatureValue(f.defaultValue(), ValueStatus.NO_HISTORY);
        }
        HistoryLayout layout = w.history.layout();
        long windowMillis = f.window().orElseThrow().toMillis();
        int start = w.start(windowMillis);
        int end = w.end;
        int numeric = layout.numericColumnOf(index);
        int column = layout.valueColumnOf(index);
        Optional<Object> value = switch (f.aggregation()) {
            case COUNT -> Optional.of((long) (end - start));
            case SUM -> Optional.of(w.stats(numeric, windowMillis).sum);
            case MEAN -> w.stats(numeric, windowMillis).mean();
            case MIN -> w.stats(numeric, windowMillis).min();
            case MAX -> w.stats(numeric, windowMillis).max();
            case LAST -> last(f, w.history, column, start, end);
            case DISTINCT_COUNT -> Optional.of(distinct(w.history, column, start, end));
            case TIME_SINCE_LAST -> end > start ? Optional.of((w.at - w.history.time(end - 1)) / 1000.0)
                    : Optional.empty();
            case RATIO_TO_MEAN -> ratioToMean(f, w.stats(numeric, windowMillis), current);
            case ATTRIBUTE -> throw new IllegalStateException("handled above");
        };
        return value.map(v -> new FeatureValue(v, ValueStatus.PRESENT))
                .orElseGet(() -> new FeatureValue(f.defaultValue(), ValueStatus.DEFAULTED));
    }

    /**
     * The history as seen from one instant: the numeric statistics of each (column, window) pair computed once
     * however many features share them.
     */
    private static final class Window {
        final EntityHistory history;
        final long at;
        final int end;
        private final long[] statsKeys = new long[8];
        private final Stats[] stats = new Stats[8];
        private int cached;

        Window(EntityHistory history, long at) {
            this.history = history;
            this.at = at;
            this.end = history.firstAtOrAfter(at);
        }

        boolean hasHistory() {
            return end > 0;
        }

        int start(long windowMillis) {
            return history.firstAtOrAfter(at - windowMillis);
        }

        Stats stats(int column, long windowMillis) {
            // Windows are whole milliseconds far below 2^48: the column fits in the top bits.
            long key = ((long) column << 48) ^ windowMillis;
            for (int i = 0; i < cached; i++) {
                if (statsKeys[i] == key) {
                    return stats[i];
                }
            }
            Stats s = numbers(history, column, start(windowMillis), end);
            if (cached < stats.length) {
                statsKeys[cached] = key;
                stats[cached++] = s;
            }
            return s;
        }
    }

    private static Optional<Object> ratioToMean(FeatureDefinition f, Stats window, Map<String, Object> current) {
        Object raw = current.get(f.attribute().orElseThrow());
        if (!(raw instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return Optional.empty();
        }
        return window.mean()
                .map(mean -> (Double) mean)
                .filter(mean -> mean != 0.0)
                .map(mean -> n.doubleValue() / mean);
    }

    private static Optional<Object> last(FeatureDefinition f, EntityHistory history, int column, int start,
            int end) {
        for (int i = end - 1; i >= start; i--) {
            Optional<Object> v = f.type().coerce(history.value(column, i));
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static long distinct(EntityHistory history, int column, int start, int end) {
        if (end - start <= SMALL_WINDOW) {
            return distinctByScan(history, column, start, end);
        }
        Set<Object> seen = new HashSet<>(2 * (end - start));
        for (int i = start; i < end; i++) {
            Object v = history.value(column, i);
            if (v != null) {
                seen.add(v);
            }
        }
        return seen.size();
    }

    /** Windows up to this many events count distinct values by a scan: no set to allocate, hash and grow. */
    private static final int SMALL_WINDOW = 32;

    /**
     * Each value is compared (hash first) with the distinct ones before it: a window of a few dozen events costs a
     * few hundred int comparisons, where a HashSet was a tenth of the stream thread's time in the ingestion profile.
     */
    private static long distinctByScan(EntityHistory history, int column, int start, int end) {
        Object[] seen = new Object[end - start];
        int[] hashes = new int[end - start];
        int count = 0;
        for (int i = start; i < end; i++) {
            Object v = history.value(column, i);
            if (v == null) {
                continue;
            }
            int hash = v.hashCode();
            boolean known = false;
            for (int j = 0; j < count && !known; j++) {
                known = hashes[j] == hash && seen[j].equals(v);
            }
            if (!known) {
                seen[count] = v;
                hashes[count] = hash;
                count++;
            }
        }
        return count;
    }

    private static Stats numbers(EntityHistory history, int column, int start, int end) {
        Stats stats = new Stats();
        for (int i = start; i < end; i++) {
            double v = history.number(column, i);
            if (!Double.isNaN(v)) {
                stats.add(v);
            }
        }
        return stats;
    }

    private static final class Stats {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(double v) {
            count++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }

        Optional<Object> mean() {
            return count == 0 ? Optional.empty() : Optional.of(sum / count);
        }

        Optional<Object> min() {
            return count == 0 ? Optional.empty() : Optional.of(min);
        }

        Optional<Object> max() {
            return count == 0 ? Optional.empty() : Optional.of(max);
        }
    }
}
