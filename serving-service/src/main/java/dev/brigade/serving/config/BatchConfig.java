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

        /** Finished jobs every replica's view keeps for GET /v1/batch-jobs/{id} (newest kept). */
        @WithDefault("50")
        int kept();

        /**
         * This replica's name in a job's state (acceptedBy, owner) and in the logs; the deployment sets
         * BRIGADE_INSTANCE_ID, else it is the advertised host and HTTP port.
         */
        String instanceId();

        /** A running job writes its progress and tally to batch-jobs this often: what a successor resumes from. */
        @WithDefault("2s")
        Duration checkpointInterval();

        /**
         * The runners' group session timeout: a replica that died without leaving the group has its jobs resumed by
         * another after about this long (a replica that stops cleanly hands them over at once).
         */
        @WithDefault("15s")
        Duration sessionTimeout();

        /** How long a replica giving up partitions (rebalance, shutdown) waits for its jobs to checkpoint. */
        @WithDefault("30s")
        Duration handoverTimeout();

        /** An owner waits this long for a job's model version to be loaded here before the job fails. */
        @WithDefault("2m")
        Duration modelWait();

        /** Scores kept in a checkpoint for the percentiles: the scores themselves up to it, else quantiles. */
        @WithDefault("1000")
        int sampleSize();

        /** Scores sent to Kafka and not yet acknowledged by a job. */
        @WithDefault("1000")
        int maxInFlight();

        /** A progress line in the log at most this often. */
        @WithDefault("5s")
        Duration progressLogInterval();
    }
}
