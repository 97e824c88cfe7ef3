package dev.brigade.training;

import java.util.Objects;

/** One model input, in contract order: its feature-set name and its type. */
public record InputFeature(String name, InputType type) {

    public InputFeature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
