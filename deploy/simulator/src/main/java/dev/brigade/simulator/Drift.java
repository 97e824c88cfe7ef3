package dev.brigade.simulator;

import java.util.Locale;

/** What a world's producers do differently after an injection. */
public enum Drift {
    /** The world as trained on. */
    NONE,
    /** Covariate shift: the inputs move (bigger amounts, other regions; longer trips), the rule stays. */
    COVARIATE,
    /** Concept drift: the rule changes (fraudsters switch tactics; traffic slows every trip), inputs look the same. */
    CONCEPT;

    public static Drift parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("drift must be one of none, covariate, concept; got " + text);
        }
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
