package dev.brigade.registry;

import java.util.Map;

/** One automated check of a gate, with the numbers it decided on and a sentence saying why. */
public record GateCheck(String name, Outcome outcome, String detail, Map<String, Double> numbers) {

    public enum Outcome {
        PASSED, FAILED, SKIPPED
    }
}
