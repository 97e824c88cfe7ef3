package dev.brigade.feature.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.brigade.feature.BackfillProgress;

/**
 * Progress of one feature-set version through the raw events that existed when its app started: positions come
 * from the processor as it goes and from the app's committed offsets (which also step over transaction markers).
 */
public final class BackfillTracker {

    private final String featureSet;
    private final Map<Integer, Long> start;
    private final Map<Integer, Long> target;
    private final Map<Integer, Long> position = new ConcurrentHashMap<>();

    /**
     * @param start first offset of each raw-events.accepted partition
     * @param target end offset of each partition when the backfill began
     */
    public BackfillTracker(String featureSet, Map<Integer, Long> start, Map<Integer, Long> target) {
        this.featureSet = featureSet;
        this.start = Map.copyOf(start);
        this.target = Map.copyOf(target);
    }

    /** The next offset to read in a partition is at least this. */
    public void advance(int partition, long nextOffset) {
        position.merge(partition, nextOffset, Math::max);
    }

    public BackfillProgress progress() {
        long processed = 0;
        long total = 0;
        boolean done = true;
        for (Map.Entry<Integer, Long> entry : target.entrySet()) {
            long from = start.getOrDefault(entry.getKey(), 0L);
            long to = entry.getValue();
            long at = Math.max(from, position.getOrDefault(entry.getKey(), from));
            total += Math.max(0, to - from);
            processed += Math.max(0, Math.min(at, to) - from);
            done &= at >= to;
        }
        return new BackfillProgress(featureSet, processed, total, done);
    }
}
