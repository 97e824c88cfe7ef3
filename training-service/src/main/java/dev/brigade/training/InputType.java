package dev.brigade.training;

/** How a model input is typed in the runtime contract; booleans travel as 1/0 inside the model. */
public enum InputType {
    DOUBLE, LONG, BOOLEAN
}
