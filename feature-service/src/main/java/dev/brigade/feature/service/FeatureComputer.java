package dev.brigade.feature.service;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.brigade.feature.FeatureDefinition;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureValue;
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
     * @param history the entity's events in ascending time order; events at or after {@code at} are ignored
     * @param current the current event's attributes, or null for a look-up without an event
     */
    public static Map<String, FeatureValue> compute(FeatureSetDefinition set, List<PastEvent> history, Instant at,
            Map<String, Object> current) {
        Window window = new Window(history, at.toEpochMilli());
        Map<String, FeatureValue> values = new LinkedHashMap<>();
        for (FeatureDefinition feature : set.features()) {
            values.put(feature.name(), compute(feature, window, current));
        }
        return values;
    }

    private static FeatureValue compute(FeatureDefinition f, Window w, Map<String, Object> current) {
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
        long windowMillis = f.window().orElseThrow().toMillis();
        int start = w.start(windowMillis);
        int end = w.end;
        Optional<Object> value = switch (f.aggregation()) {
            case COUNT -> Optional.of((long) (end - start));
            case SUM -> Optional.of(w.stats(f, windowMillis).sum);
            case MEAN -> w.stats(f, windowMillis).mean();
            case MIN -> w.stats(f, windowMillis).min();
            case MAX -> w.stats(f, windowMillis).max();
            case LAST -> last(f, w, start, end);
            case DISTINCT_COUNT -> Optional.of(distinct(f, w, start, end));
            case TIME_SINCE_LAST -> end > start ? Optional.of((w.at - w.times[end - 1]) / 1000.0) : Optional.empty();
            case RATIO_TO_MEAN -> ratioToMean(f, w.stats(f, windowMillis), current);
            case ATTRIBUTE -> throw new IllegalStateException("handled above");
        };
        return value.map(v -> new FeatureValue(v, ValueStatus.PRESENT))
                .orElseGet(() -> new FeatureValue(f.defaultValue(), ValueStatus.DEFAULTED));
    }

    /**
     * The history as seen from one instant: times as plain longs for the window searches, each attribute's values
     * read out of the events' maps once (a column) however many windows and features use it, and the numeric
     * statistics of each (attribute, window) pair computed once however many features share them.
     */
    private static final class Window {
        final List<PastEvent> history;
        final long[] times;
        final long at;
        final int end;
        private final Map<String, Stats> stats = new HashMap<>();
        private final Map<String, Object[]> columns = new HashMap<>();

        Window(List<PastEvent> history, long at) {
            this.history = history;
            this.at = at;
            this.times = new long[history.size()];
            for (int i = 0; i < times.length; i++) {
                times[i] = history.get(i).time().toEpochMilli();
            }
            this.end = firstAtOrAfter(times, at);
        }

        boolean hasHistory() {
            return end > 0;
        }

        int start(long windowMillis) {
            return firstAtOrAfter(times, at - windowMillis);
        }

        Stats stats(FeatureDefinition f, long windowMillis) {
            String attribute = f.attribute().orElseThrow();
            return stats.computeIfAbsent(attribute + "@" + windowMillis,
                    k -> numbers(column(attribute), start(windowMillis), end));
        }

        /** The attribute's value in each event before the instant (null where an event lacks it). */
        Object[] column(String attribute) {
            Object[] column = columns.get(attribute);
            if (column == null) {
                column = new Object[end];
                for (int i = 0; i < end; i++) {
                    column[i] = history.get(i).attributes().get(attribute);
                }
                columns.put(attribute, column);
            }
            return column;
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

    private static Optional<Object> last(FeatureDefinition f, Window w, int start, int end) {
        Object[] column = w.column(f.attribute().orElseThrow());
        for (int i = end - 1; i >= start; i--) {
            Optional<Object> v = f.type().coerce(column[i]);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static long distinct(FeatureDefinition f, Window w, int start, int end) {
        Object[] column = w.column(f.attribute().orElseThrow());
        Set<Object> seen = new HashSet<>();
        for (int i = start; i < end; i++) {
            Object v = column[i];
            if (v != null) {
                seen.add(v);
            }
        }
        return seen.size();
    }

    private static Stats numbers(Object[] column, int start, int end) {
        Stats stats = new Stats();
        for (int i = start; i < end; i++) {
            if (column[i] instanceof Number n && Double.isFinite(n.doubleValue())) {
                stats.add(n.doubleValue());
            }
        }
        return stats;
    }

    /** Index of the first time at or after {@code time}; times are sorted. */
    static int firstAtOrAfter(long[] times, long time) {
        int lo = 0;
        int hi = times.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
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
