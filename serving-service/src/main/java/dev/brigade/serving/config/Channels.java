package dev.brigade.serving.config;

import dev.brigade.events.topics.Topics;

/** Messaging channel names; application.properties binds each to its topic. Tests reuse them. */
public final class Channels {

    /** AlertEvent to {@value Topics#ALERTS}. */
    public static final String ALERTS = "alerts";

    /** ScoringRequested from {@value Topics#SCORING_REQUESTS} (use cases with serving.mode batch). */
    public static final String SCORING_REQUESTS = "scoring-requests";

    /** ScoreProduced to {@value Topics#SCORES}. */
    public static final String SCORES = "scores";

    private Channels() {
    }
}
