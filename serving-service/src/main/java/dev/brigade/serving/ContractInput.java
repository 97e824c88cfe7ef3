package dev.brigade.serving;

/** One model input of a version's runtime contract, in contract order. */
public record ContractInput(String name, InputType type) {
}
