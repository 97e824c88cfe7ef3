package dev.brigade.serving.config;

import dev.brigade.events.topics.Topics;

/** Messaging channel names; application.properties binds each to its topic. Tests reuse them. */
public final class Channels {

    /** RegistryEvent from {@value Topics#REGISTRY_EVENTS}. */
    public static final String REGISTRY_EVENTS = "registry-events";

    /** PredictionLogged to {@value Topics#PREDICTIONS}. */
    public static final String PREDICTIONS = "predictions";

    private Channels() {
    }
}
