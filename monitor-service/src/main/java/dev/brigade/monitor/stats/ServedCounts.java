package dev.brigade.monitor.stats;

import dev.brigade.monitor.Observation;

/** A window's served predictions: errors, CPU, latency and the score distribution. */
public final class ServedCounts {

    static final int SCORE_BINS = 20;

    public long predictions;
    public long errors;
    public long cpuMicros;
    public final LogHistogram latency = new LogHistogram();
    public final long[] scoreBins = new long[SCORE_BINS];
    /** Scores times 1000, for the quantiles of a regression. */
    public final LogHistogram scoreSketch = new LogHistogram();
    public double scoreSum;

    void add(Observation.Served p) {
        predictions++;
        if (p.error()) {
            errors++;
        }
        cpuMicros += Math.max(0, p.cpuMicros());
        latency.add(p.latencyMicros());
        double s = p.score();
        if (Double.isFinite(s)) {
            scoreSum += s;
            scoreBins[(int) Math.max(0, Math.min(SCORE_BINS - 1, Math.floor(s * SCORE_BINS)))]++;
            scoreSketch.add(s * 1000.0);
        }
    }

    void merge(ServedCounts o) {
        predictions += o.predictions;
        errors += o.errors;
        cpuMicros += o.cpuMicros;
        latency.merge(o.latency);
        scoreSketch.merge(o.scoreSketch);
        scoreSum += o.scoreSum;
        WindowCounts.addInto(scoreBins, o.scoreBins);
    }
}
