package dev.brigade.simulator;

import java.time.Instant;

/** A simulated business: its entities, how they behave, and the hidden rule that decides each outcome. */
public interface World {

    /** The use case the events are scored for (the registry's name). */
    String useCase();

    /** RawEvent.source, the feature set's declared source. */
    String source();

    /** The next event at this time; times must not go backwards for one world. */
    SimEvent next(Instant eventTime);

    /** From now on, behave with this drift (NONE restores the original world). */
    void drift(Drift drift);

    Drift drift();
}
