package dev.brigade.training;

/** The use case's business metric: the expected cost of a prediction, from its cost matrix. */
public sealed interface CostMatrix {

    /** The business metric's name in the spec, e.g. expected-cost-per-transaction. */
    String name();

    /** The cost of each outcome of a yes/no decision at the threshold. */
    record Classification(String name, Cost truePositive, Cost falsePositive, Cost falseNegative,
            Cost trueNegative) implements CostMatrix {
    }

    /** Cost per unit of error: under-prediction (actual above predicted) and over-prediction. */
    record Regression(String name, double underPrediction, double overPrediction) implements CostMatrix {
    }
}
