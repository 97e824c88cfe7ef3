package dev.brigade.training;

import java.util.List;
import java.util.Map;

/**
 * Gaps between the slices of each protected attribute on the holdout: per slice the share decided positive, the
 * true-positive and the false-positive rate at the decision threshold (classification) or the mean absolute error
 * (regression), with the counts behind them; per metric the gap, highest minus lowest, over the slices with at least
 * minSliceSize rows in the metric's denominator (all rows, the positives for TPR, the negatives for FPR).
 */
public record Fairness(int minSliceSize, List<Attribute> attributes) {

    public static final String POSITIVE_RATE = "positiveRate";
    public static final String TRUE_POSITIVE_RATE = "truePositiveRate";
    public static final String FALSE_POSITIVE_RATE = "falsePositiveRate";
    public static final String MAE = "mae";

    public Fairness {
        attributes = List.copyOf(attributes);
    }

    /** Which attributes to measure, and how large a slice must be to count in a gap. */
    public record Settings(List<String> attributes, int minSliceSize) {

        public Settings {
            attributes = List.copyOf(attributes);
            if (minSliceSize < 1) {
                throw new IllegalArgumentException("minSliceSize must be >= 1, is " + minSliceSize);
            }
        }

        public static Settings none() {
            return new Settings(List.of(), 1);
        }
    }

    /**
     * @param gaps the candidate's gap per metric that had two slices to compare
     * @param championGaps the champion's on the same rows, or null without a champion
     */
    public record Attribute(String attribute, List<Slice> slices, List<Gap> gaps, List<Gap> championGaps) {

        public Attribute {
            slices = List.copyOf(slices);
            gaps = List.copyOf(gaps);
            championGaps = championGaps == null ? null : List.copyOf(championGaps);
        }
    }

    /**
     * One slice: rows, and for classification the positives and negatives by label; metrics by name, a rate left out
     * where it is undefined (a TPR without positives).
     */
    public record Slice(String value, long n, Long positives, Long negatives, Map<String, Double> metrics) {

        public Slice {
            metrics = Map.copyOf(metrics);
        }

        /** The rows in the metric's denominator. */
        public long support(String metric) {
            return switch (metric) {
                case TRUE_POSITIVE_RATE -> positives == null ? 0 : positives;
                case FALSE_POSITIVE_RATE -> negatives == null ? 0 : negatives;
                default -> n;
            };
        }
    }

    /** gap = highest - lowest slice value over slicesCompared slices. */
    public record Gap(String metric, double gap, String highest, String lowest, int slicesCompared) {
    }
}
