package dev.brigade.registry;

/** Type of a model input, as the feature sets declare it. */
public enum InputType {
    BOOLEAN, LONG, DOUBLE, STRING
}
