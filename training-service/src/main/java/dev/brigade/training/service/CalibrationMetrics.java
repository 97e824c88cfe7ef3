package dev.brigade.training.service;

import java.util.ArrayList;
import java.util.List;

import dev.brigade.training.Calibration;
import dev.brigade.training.ReliabilityBin;

/** Reliability bins of equal width over [0, 1] and the expected calibration error they give. */
public final class CalibrationMetrics {

    public static final int DEFAULT_BINS = 10;

    private CalibrationMetrics() {
    }

    /**
     * Bin b holds the scores in [b / bins, (b + 1) / bins), the last bin also 1.0. Only non-empty bins are
     * reported (an empty bin has no mean); ECE = sum over bins of count / n * |meanPredicted - observedRate|.
     */
    public static Calibration of(double[] scores, double[] labels, int bins) {
        long[] count = new long[bins];
        double[] predicted = new double[bins];
        double[] observed = new double[bins];
        for (int i = 0; i < scores.length; i++) {
            int b = Math.min((int) Math.floor(scores[i] * bins), bins - 1);
            b = Math.max(b, 0);
            count[b]++;
            predicted[b] += scores[i];
            observed[b] += labels[i];
        }
        List<ReliabilityBin> out = new ArrayList<>();
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] == 0) {
                continue;
            }
            double meanPredicted = predicted[b] / count[b];
            double rate = observed[b] / count[b];
            out.add(new ReliabilityBin((double) b / bins, (double) (b + 1) / bins, count[b], meanPredicted, rate));
            ece += (double) count[b] / scores.length * Math.abs(meanPredicted - rate);
        }
        return new Calibration(ece, out);
    }
}
