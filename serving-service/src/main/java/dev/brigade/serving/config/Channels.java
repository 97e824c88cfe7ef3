package dev.brigade.serving.config;

import dev.brigade.events.topics.Topics;

/** Messaging channel names; application.properties binds each to its topic. Tests reuse them. */
public final class Channels {

    /** PredictionLogged to {@value Topics#PREDICTIONS}. */
    public static final String PREDICTIONS = "predictions";

    /** AlertEvent to {@value Topics#ALERTS}. */
    public static final String ALERTS = "alerts";

    private Channels() {
    }
}
