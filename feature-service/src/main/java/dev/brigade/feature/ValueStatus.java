package dev.brigade.feature;

/** Where a feature value came from; mapped to the contract's FeatureStatus at the Kafka edge. */
public enum ValueStatus {
    /** Computed from the entity's history or the event's own attributes. */
    PRESENT,
    /** The entity has history, but nothing in this feature's window or attribute: the declared default. */
    DEFAULTED,
    /** The entity has no earlier events at all: the declared default. */
    NO_HISTORY,
    /** Needs the current event's attributes, and none were given (online look-ups without attributes). */
    MISSING
}
