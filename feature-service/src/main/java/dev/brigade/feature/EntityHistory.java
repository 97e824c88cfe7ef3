package dev.brigade.feature;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * An entity's recent events in ascending time order (ties by event id, so replays give the same order), held by
 * column: the event times as one {@code long[]}, the event ids, and one column per attribute its feature set reads
 * from the past ({@link HistoryLayout}): a {@code double[]} for numeric aggregations (NaN where an event has no
 * finite number), values for the others. A window aggregation is then a scan over a primitive array, not a walk
 * through one map per past event.
 *
 * <p>Immutable: {@link #with} gives a new history.
 */
public final class EntityHistory {

    private static final Comparator<PastEvent> ORDER = Comparator.comparing(PastEvent::time)
            .thenComparing(PastEvent::eventId);

    private final HistoryLayout layout;
    private final int size;
    private final long[] times;
    private final String[] ids;
    /** The ids' hash codes: the duplicate check compares these and touches an id only on a match. */
    private final int[] idHashes;
    private final double[][] numbers;
    private final Object[][] values;

    private EntityHistory(HistoryLayout layout, int size, long[] times, String[] ids, int[] idHashes,
            double[][] numbers, Object[][] values) {
        this.layout = layout;
        this.size = size;
        this.times = times;
        this.ids = ids;
        this.idHashes = idHashes;
        this.numbers = numbers;
        this.values = values;
    }

    public static EntityHistory empty(HistoryLayout layout) {
        return new Builder(layout, 0).build();
    }

    /** The history of these events (in any order) as the layout keeps it. */
    public static EntityHistory of(HistoryLayout layout, List<PastEvent> events) {
        Builder builder = new Builder(layout, events.size());
        events.stream().sorted(ORDER).forEach(e -> {
            builder.event(e.eventId(), e.time().toEpochMilli());
            e.attributes().forEach(builder::attribute);
        });
        return builder.build();
    }

    public HistoryLayout layout() {
        return layout;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Epoch milliseconds of the event at {@code index}. */
    public long time(int index) {
        return times[index];
    }

    public String eventId(int index) {
        return ids[index];
    }

    /** The numeric column's value at {@code index}: NaN where the event had no finite number. */
    public double number(int column, int index) {
        return numbers[column][index];
    }

    /** The value column's value at {@code index} (Boolean, Long, Double, String or null). */
    public Object value(int column, int index) {
        return values[column][index];
    }

    public boolean contains(String eventId) {
        // Newest first: a redelivered event is usually recent. Hashes first: no trip to each id's characters.
        int hash = eventId.hashCode();
        for (int i = size - 1; i >= 0; i--) {
            if (idHashes[i] == hash && ids[i].equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    /** Epoch milliseconds of the newest event; only when not empty. */
    public long newestMillis() {
        return times[size - 1];
    }

    /** Index of the first event at or after {@code millis} (the size when none). */
    public int firstAtOrAfter(long millis) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < millis) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The history with the event in its time-ordered place, without the events before {@code cutoff}. */
    public EntityHistory with(String eventId, Instant time, Map<String, Object> attributes, Instant cutoff) {
        long millis = time.toEpochMilli();
        int from = firstAtOrAfter(cutoff.toEpochMilli());
        int at = firstAtOrAfter(millis);
        while (at < size && times[at] == millis && ids[at].compareTo(eventId) < 0) {
            at++;
        }
        at = Math.max(at, from);
        int kept = size - from;
        Builder next = new Builder(layout, kept + 1);
        next.copy(this, from, at);
        next.event(eventId, millis);
        attributes.forEach(next::attribute);
        next.copy(this, at, size);
        return next.build();
    }

    /** Collects a history in order, one event and then its attributes at a time. */
    public static final class Builder {
        private final HistoryLayout layout;
        private int size;
        private long[] times;
        private String[] ids;
        private int[] idHashes;
        private final double[][] numbers;
        private final Object[][] values;

        public Builder(HistoryLayout layout, int capacity) {
            this.layout = layout;
            int n = Math.max(capacity, 4);
            times = new long[n];
            ids = new String[n];
            idHashes = new int[n];
            numbers = new double[layout.numericColumns()][n];
            values = new Object[layout.valueColumns()][n];
        }

        /** Starts the next event; it must not be before the previous one. */
        public Builder event(String eventId, long millis) {
            if (size == times.length) {
                grow();
            }
            times[size] = millis;
            ids[size] = eventId;
            idHashes[size] = eventId.hashCode();
            for (double[] column : numbers) {
                column[size] = Double.NaN;
            }
            size++;
            return this;
        }

        /** An attribute of the current event; ignored when no feature reads it. */
        public Builder attribute(String name, Object value) {
            int numeric = layout.numericColumn(name);
            if (numeric >= 0) {
                numbers[numeric][size - 1] = value instanceof Number n && Double.isFinite(n.doubleValue())
                        ? n.doubleValue() : Double.NaN;
            }
            int column = layout.valueColumn(name);
            if (column >= 0) {
                values[column][size - 1] = normalize(value);
            }
            return this;
        }

        void copy(EntityHistory from, int start, int end) {
            int n = end - start;
            if (n <= 0) {
                return;
            }
            while (size + n > times.length) {
                grow();
            }
            System.arraycopy(from.times, start, times, size, n);
            System.arraycopy(from.ids, start, ids, size, n);
            System.arraycopy(from.idHashes, start, idHashes, size, n);
            for (int c = 0; c < numbers.length; c++) {
                System.arraycopy(from.numbers[c], start, numbers[c], size, n);
            }
            for (int c = 0; c < values.length; c++) {
                System.arraycopy(from.values[c], start, values[c], size, n);
            }
            size += n;
        }

        private void grow() {
            int n = times.length * 2;
            times = Arrays.copyOf(times, n);
            ids = Arrays.copyOf(ids, n);
            idHashes = Arrays.copyOf(idHashes, n);
            for (int c = 0; c < numbers.length; c++) {
                numbers[c] = Arrays.copyOf(numbers[c], n);
            }
            for (int c = 0; c < values.length; c++) {
                values[c] = Arrays.copyOf(values[c], n);
            }
        }

        public EntityHistory build() {
            return new EntityHistory(layout, size, times, ids, idHashes, numbers, values);
        }
    }

    /** The value as the state store gives it back, so a history read from the store equals one kept in memory. */
    static Object normalize(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Long || value instanceof Double
                || value instanceof String) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        return value.toString();
    }
}
