package dev.brigade.registry;

import java.util.List;

/**
 * What serving promises callers for a version: its inputs in order with their types and imputation defaults, the
 * name of its output, its latency budget, its decision threshold (classification) and its owner.
 */
public record RuntimeContract(List<Input> inputs, String output, double latencyBudgetMs, Double decisionThreshold,
        String owner) {

    /** @param imputation the value serving uses when the input is missing (Boolean, Long, Double or String), or null */
    public record Input(String name, InputType type, Object imputation) {
    }

    public List<String> inputNames() {
        return inputs.stream().map(Input::name).toList();
    }
}
