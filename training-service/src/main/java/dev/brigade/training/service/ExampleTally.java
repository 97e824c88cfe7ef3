package dev.brigade.training.service;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the labelled examples of each feature-set version sit on training-examples (offsets per partition), kept as
 * they arrive, so "how many examples of this feature set arrived after these offsets" is a binary search instead of
 * a read of the topic. The topic carries every use case's examples; counting all of them would ask for runs that
 * the exact check at run time then skips, again and again.
 */
public final class ExampleTally {

    private record Key(String featureSet, int version, String useCase) {
    }

    /** Offsets of one partition in arrival order, which is ascending. */
    private static final class Offsets {
        long[] values = new long[64];
        int size;

        void add(long offset) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = offset;
        }

        long countFrom(long from) {
            int i = Arrays.binarySearch(values, 0, size, from);
            int first = i >= 0 ? i : -i - 1;
            return size - first;
        }
    }

    private final Map<Key, Map<Integer, Offsets>> offsets = new HashMap<>();

    /** One example: its feature set and version, the use case it names (null: any), where it sits. */
    public synchronized void record(String featureSet, int version, String useCase, int partition, long offset) {
        offsets.computeIfAbsent(new Key(featureSet, version, useCase), k -> new HashMap<>())
                .computeIfAbsent(partition, p -> new Offsets()).add(offset);
    }

    /**
     * Examples of the feature-set version usable by the use case (naming it, or naming none) at or after the given
     * offset of each partition (offset 0 where a partition is not given).
     */
    public synchronized long countSince(String useCase, String featureSet, int version, Map<Integer, Long> from) {
        long n = 0;
        for (Map.Entry<Key, Map<Integer, Offsets>> e : offsets.entrySet()) {
            Key key = e.getKey();
            if (!key.featureSet().equals(featureSet) || key.version() != version
                    || (key.useCase() != null && !Objects.equals(key.useCase(), useCase))) {
                continue;
            }
            for (Map.Entry<Integer, Offsets> p : e.getValue().entrySet()) {
                n += p.getValue().countFrom(from.getOrDefault(p.getKey(), 0L));
            }
        }
        return n;
    }
}
