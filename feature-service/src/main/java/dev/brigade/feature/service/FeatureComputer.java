package dev.brigade.feature.service;

import java.time.Duration;
import java.time.Instant;
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
        int end = firstAtOrAfter(history, at);
        boolean hasHistory = end > 0;
        Map<String, FeatureValue> values = new LinkedHashMap<>();
        for (FeatureDefinition feature : set.features()) {
            values.put(feature.name(), compute(feature, history, end, hasHistory, at, current));
        }
        return values;
    }

    private static FeatureValue compute(FeatureDefinition f, List<PastEvent> history, int end, boolean hasHistory,
            Instant at, Map<String, Object> current) {
        if (f.aggregation().usesCurrentEvent() && current == null) {
            return new FeatureValue(null, ValueStatus.MISSING);
        }
        ValueStatus fallback = hasHistory ? ValueStatus.DEFAULTED : ValueStatus.NO_HISTORY;
        if (f.aggregation() == dev.brigade.feature.Aggregation.ATTRIBUTE) {
            return f.type().coerce(current.get(f.attribute().orElseThrow()))
                    .map(v -> new FeatureValue(v, ValueStatus.PRESENT))
                    .orElseGet(() -> new FeatureValue(f.defaultValue(), ValueStatus.DEFAULTED));
        }
        if (!hasHistory) {
            return new FeatureValue(f.defaultValue(), ValueStatus.NO_HISTORY);
        }
        Duration window = f.window().orElseThrow();
        int start = firstAtOrAfter(history, at.minus(window));
        Optional<Object> value = switch (f.aggregation()) {
            case COUNT -> Optional.of((long) Math.max(0, end - start));
            case SUM -> Optional.of(numbers(f, history, start, end).sum);
            case MEAN -> numbers(f, history, start, end).mean();
            case MIN -> numbers(f, history, start, end).min();
            case MAX -> numbers(f, history, start, end).max();
            case LAST -> last(f, history, start, end);
            case DISTINCT_COUNT -> Optional.of(distinct(f, history, start, end));
            case TIME_SINCE_LAST -> end > start
                    ? Optional.of((at.toEpochMilli() - history.get(end - 1).time().toEpochMilli()) / 1000.0)
                    : Optional.empty();
            case RATIO_TO_MEAN -> ratioToMean(f, history, start, end, current);
            case ATTRIBUTE -> throw new IllegalStateException("handled above");
        };
        return value.map(v -> new FeatureValue(v, ValueStatus.PRESENT))
                .orElseGet(() -> new FeatureValue(f.defaultValue(), fallback));
    }

    private static Optional<Object> ratioToMean(FeatureDefinition f, List<PastEvent> history, int start, int end,
            Map<String, Object> current) {
        Object raw = current.get(f.attribute().orElseThrow());
        if (!(raw instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return Optional.empty();
        }
        return numbers(f, history, start, end).mean()
                .map(mean -> (Double) mean)
                .filter(mean -> mean != 0.0)
                .map(mean -> n.doubleValue() / mean);
    }

    private static Optional<Object> last(FeatureDefinition f, List<PastEvent> history, int start, int end) {
        String attribute = f.attribute().orElseThrow();
        for (int i = end - 1; i >= start; i--) {
            Optional<Object> v = f.type().coerce(history.get(i).attributes().get(attribute));
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static long distinct(FeatureDefinition f, List<PastEvent> history, int start, int end) {
        String attribute = f.attribute().orElseThrow();
        Set<Object> seen = new HashSet<>();
        for (int i = start; i < end; i++) {
            Object v = history.get(i).attributes().get(attribute);
            if (v != null) {
                seen.add(v);
            }
        }
        return seen.size();
    }

    private static Stats numbers(FeatureDefinition f, List<PastEvent> history, int start, int end) {
        String attribute = f.attribute().orElseThrow();
        Stats stats = new Stats();
        for (int i = start; i < end; i++) {
            if (history.get(i).attributes().get(attribute) instanceof Number n && Double.isFinite(n.doubleValue())) {
                stats.add(n.doubleValue());
            }
        }
        return stats;
    }

    /** Index of the first event at or after {@code time}; history is sorted by time. */
    static int firstAtOrAfter(List<PastEvent> history, Instant time) {
        int lo = 0;
        int hi = history.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (history.get(mid).time().isBefore(time)) {
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
