package dev.brigade.serving.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Batch scoring (application.properties, `## Batch scoring`): scoring-requests to scores, and batch jobs. */
@ConfigMapping(prefix = "brigade.serving.batch")
public interface BatchConfig {

    /**
     * The feature look-up's timeout for a ScoringRequested: no caller is waiting, so it is not a share of the latency
     * budget; past it the score is computed with imputed inputs and a warning, as online.
     */
    @WithDefault("2s")
    Duration lookupTimeout();

    /** ScoringRequested records scored at once (look-up and send in flight); the channel waits beyond it. */
    @WithDefault("32")
    int maxInFlight();

    /** Request ids remembered to drop a redelivered request already answered (per instance, newest kept). */
    @WithDefault("100000")
    int dedupWindow();

    Jobs jobs();

    interface Jobs {

        /** Jobs running at once; one more is refused with 429 until one ends. */
        @WithDefault("1")
        int maxRunning();

        /** The longest [from, to) a job may cover (feature-vectors are kept 30 days). */
        @WithDefault("P31D")
        Duration maxRange();

        /** Finished jobs kept for GET /v1/batch-jobs/{id} (in memory, newest kept). */
        @WithDefault("50")
        int kept();

        /** Scores sent to Kafka and not yet acknowledged by a job. */
        @WithDefault("1000")
        int maxInFlight();

        /** A progress line in the log at most this often. */
        @WithDefault("5s")
        Duration progressLogInterval();
    }
}
