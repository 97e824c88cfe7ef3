package dev.brigade.training.config;

import dev.brigade.events.topics.Topics;

/** Messaging channel names; application.properties binds each to its topic. Tests reuse them. */
public final class Channels {

    /** TrainingRequested from {@value Topics#TRAINING_REQUESTS}. */
    public static final String TRAINING_REQUESTS = "training-requests";

    /** DriftEvent from {@value Topics#DRIFT_EVENTS}. */
    public static final String DRIFT_EVENTS = "drift-events";

    /** TrainingRunEvent to {@value Topics#TRAINING_RUNS}. */
    public static final String TRAINING_RUNS = "training-runs";

    private Channels() {
    }
}
