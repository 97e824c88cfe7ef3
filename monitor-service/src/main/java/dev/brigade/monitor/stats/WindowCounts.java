package dev.brigade.monitor.stats;

import dev.brigade.monitor.Observation;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.UseCaseSettings;

/**
 * The state of one open window of one model version: counts only, so it is small, mergeable and cheap to keep in a
 * changelogged store. Its served, feature and outcome counts are kept apart; the store holds it as a WindowState
 * ({@link WindowStateCodec}).
 */
public final class WindowCounts {

    public final String useCase;
    public final int version;
    public final long start;
    public final long end;
    public String variant = "";
    /** Wall-clock time of the last update: a window without traffic closes a grace period after it. */
    public long lastUpdateWall;
    public final ServedCounts served = new ServedCounts();
    public final FeatureCounts features = new FeatureCounts();
    public final OutcomeCounts outcomes = new OutcomeCounts();

    public WindowCounts(String useCase, int version, long start, long end) {
        this.useCase = useCase;
        this.version = version;
        this.start = start;
        this.end = end;
    }

    public void add(Observation.Served p, ReferenceProfile profile) {
        variant = p.variant();
        served.add(p);
        features.add(p, profile);
    }

    public void add(Observation.Labelled l, UseCaseSettings settings) {
        outcomes.add(l, settings);
    }

    public void add(Observation.Skew s) {
        features.add(s);
    }

    /** Adds another window's counts (same use case and version): windows of several partitions or instances. */
    public void merge(WindowCounts o) {
        served.merge(o.served);
        features.merge(o.features);
        outcomes.merge(o.outcomes);
        lastUpdateWall = Math.max(lastUpdateWall, o.lastUpdateWall);
    }

    public byte[] toBytes() {
        return WindowStateCodec.encode(this);
    }

    /** Reads a WindowState, or a value the store held before it (the hand-written format). */
    public static WindowCounts fromBytes(byte[] data) {
        return WindowStateCodec.decode(data);
    }

    static void addInto(long[] into, long[] from) {
        for (int i = 0; i < Math.min(into.length, from.length); i++) {
            into[i] += from[i];
        }
    }
}
