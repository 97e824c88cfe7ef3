package dev.brigade.feature;

/**
 * How far a feature-set version has come through the raw events that existed when it started.
 *
 * @param processed raw-event offsets consumed so far, of {@code total}
 */
public record BackfillProgress(String featureSet, long processed, long total, boolean done) {

    public double percent() {
        return total == 0 ? 100.0 : Math.min(100.0, 100.0 * processed / total);
    }
}
