package dev.brigade.training;

import java.util.List;

/** Expected calibration error (count-weighted mean gap between predicted and observed rates) and its bins. */
public record Calibration(double ece, List<ReliabilityBin> bins) {

    public Calibration {
        bins = List.copyOf(bins);
    }
}
