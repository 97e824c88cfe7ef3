package dev.brigade.feature.config;

import dev.brigade.events.topics.Topics;

/** Messaging channel names; application.properties binds each to its topic. Tests reuse them. */
public final class Channels {

    /** RawEvent from {@value Topics#RAW_EVENTS}. */
    public static final String RAW_EVENTS = "raw-events";

    /** FeatureVector to {@value Topics#FEATURE_VECTORS}. */
    public static final String FEATURE_VECTORS = "feature-vectors";

    private Channels() {
    }
}
