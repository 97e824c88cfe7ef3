package dev.brigade.serving;

/** The type a model input takes in the runtime contract. */
public enum InputType {
    BOOLEAN, LONG, DOUBLE;

    /** The word used in problem messages. */
    public String expected() {
        return switch (this) {
            case BOOLEAN -> "a boolean";
            case LONG -> "a whole number";
            case DOUBLE -> "a number";
        };
    }
}
