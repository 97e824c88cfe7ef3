package dev.brigade.registry;

import java.util.List;
import java.util.Map;

/**
 * The evaluation report's fairness section: per protected attribute, each slice's rates (or error) with the counts
 * behind them, and the gaps between slices as training measured them at its minSliceSize. The gate recomputes each
 * gap from the slices under the spec's own minSliceSize and caps, so a report cannot pass by its own arithmetic.
 */
public record FairnessReport(int minSliceSize, List<Attribute> attributes) {

    public FairnessReport {
        attributes = List.copyOf(attributes);
    }

    /** The attribute's section, or null when the report has none. */
    public Attribute attribute(String name) {
        return attributes.stream().filter(a -> a.attribute().equals(name)).findFirst().orElse(null);
    }

    /**
     * @param gaps the candidate's gaps per metric
     * @param championGaps the champion's on the same rows; null without a champion
     */
    public record Attribute(String attribute, List<Slice> slices, List<Gap> gaps, List<Gap> championGaps) {
    }

    /**
     * One slice's positiveRate, truePositiveRate and falsePositiveRate at the decision threshold (classification) or
     * mae (regression), with the counts behind them; positives and negatives are null for regression. A rate that is
     * undefined in the slice (no positives for a TPR) is absent.
     */
    public record Slice(String value, long n, Long positives, Long negatives, Map<String, Double> metrics) {

        /** The rows in the metric's denominator: the positives for TPR, the negatives for FPR, else every row. */
        public long support(String metric) {
            return switch (metric) {
                case "truePositiveRate" -> positives == null ? 0 : positives;
                case "falsePositiveRate" -> negatives == null ? 0 : negatives;
                default -> n;
            };
        }
    }

    /** gap = the highest slice's value minus the lowest's, over slicesCompared slices. */
    public record Gap(String metric, double gap, String highest, String lowest, int slicesCompared) {
    }
}
