package dev.brigade.training.service;

import java.util.Arrays;
import java.util.List;

import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.Example;
import dev.brigade.training.InputFeature;

/**
 * The expected cost per prediction on a set of rows, from the use case's cost matrix. Costs that name an input
 * read the row's value; where the row lacks it, the mean of the present values on the same rows is used, so the
 * amounts are the same whichever model is being costed.
 */
public final class BusinessMetrics {

    private BusinessMetrics() {
    }

    /** What each row's outcome would cost, given its features; independent of the model being evaluated. */
    public static final class CostModel {

        private final CostMatrix matrix;
        private final double[][] cells;

        /**
         * @throws TrainingFailedException when a cost names a feature the model has no input for
         */
        public CostModel(CostMatrix matrix, List<InputFeature> inputs, List<Example> rows) {
            this.matrix = matrix;
            if (matrix instanceof CostMatrix.Classification c) {
                Cost[] costs = {c.truePositive(), c.falsePositive(), c.falseNegative(), c.trueNegative()};
                cells = new double[costs.length][];
                for (int k = 0; k < costs.length; k++) {
                    cells[k] = perRow(costs[k], inputs, rows);
                }
            } else {
                cells = new double[0][];
            }
        }

        /**
         * The mean cost of the scores on the rows this model was built for, in their order.
         *
         * @param threshold the scoring model's decision threshold (ignored for regression)
         */
        public double expectedCost(double[] scores, double[] labels, double threshold) {
            double sum = 0;
            for (int r = 0; r < scores.length; r++) {
                sum += cost(r, scores[r], labels[r], threshold);
            }
            return scores.length == 0 ? Double.NaN : sum / scores.length;
        }

        double cost(int row, double score, double label, double threshold) {
            if (matrix instanceof CostMatrix.Regression reg) {
                double error = score - label;
                return error < 0 ? -error * reg.underPrediction() : error * reg.overPrediction();
            }
            boolean predicted = score >= threshold;
            boolean actual = label == 1.0;
            int cell = predicted ? (actual ? 0 : 1) : (actual ? 2 : 3);
            return cells[cell][row];
        }

        private static double[] perRow(Cost cost, List<InputFeature> inputs, List<Example> rows) {
            double[] values = new double[rows.size()];
            if (!cost.isFeature()) {
                Arrays.fill(values, cost.constant());
                return values;
            }
            int index = -1;
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).name().equals(cost.feature())) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new TrainingFailedException("the cost matrix names " + cost.feature()
                        + ", which is not an input of the model");
            }
            double sum = 0;
            long present = 0;
            for (Example row : rows) {
                double v = row.features()[index];
                if (Double.isFinite(v)) {
                    sum += v;
                    present++;
                }
            }
            double fill = present == 0 ? 0 : sum / present;
            for (int r = 0; r < values.length; r++) {
                double v = rows.get(r).features()[index];
                values[r] = Double.isFinite(v) ? v : fill;
            }
            return values;
        }
    }
}
