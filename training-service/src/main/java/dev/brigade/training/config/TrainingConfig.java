package dev.brigade.training.config;

import java.net.URI;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The kitchen's settings; application.properties maps each to an environment variable for deployment. */
@ConfigMapping(prefix = "brigade.training")
public interface TrainingConfig {

    /** Written into every run record and model lineage, e.g. git:4f2c1ab; set by the build or the deployment. */
    @WithDefault("dev")
    String codeVersion();

    Registry registry();

    Dataset dataset();

    Evaluation evaluation();

    /** Run records kept in memory for GET /v1/runs (oldest final runs are dropped first). */
    @WithDefault("1000")
    int maxStoredRuns();

    NewData newData();

    /**
     * The NEW_DATA trigger: every interval, each use case whose retraining policy allows new-data is asked for a run
     * when enough examples arrived since its last successful run and its cooldown and daily budget allow one.
     */
    interface NewData {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("1m")
        Duration interval();
    }

    /**
     * This instance's id in run records (owner, writer): by convention advertised host:port, so a person can find
     * the instance that ran a run.
     */
    String instanceId();

    Liveness liveness();

    /**
     * Runs shared across instances (training-run-state): the owner of a live run writes its state at least every
     * heartbeat; every instance checks every check-interval for live runs whose heartbeat is older than stale-after
     * and declares them failed. A run of a dead instance is failed within stale-after + check-interval.
     */
    interface Liveness {
        @WithDefault("5s")
        Duration heartbeat();

        @WithDefault("30s")
        Duration staleAfter();

        @WithDefault("5s")
        Duration checkInterval();
    }

    /** How long a job waits for Kafka to acknowledge one of its training-runs events. */
    @WithDefault("10s")
    Duration publishTimeout();

    interface Registry {

        @WithDefault("http://localhost:8083")
        URI url();

        /** A registrar account of the registry (registry-service/README.md). */
        @WithDefault("training-service")
        String user();

        String password();

        @WithDefault("30s")
        Duration timeout();
    }

    interface Dataset {

        /** Reading training-examples up to the end offsets taken at start must finish within this. */
        @WithDefault("2m")
        Duration readTimeout();

        /** The newest share of the examples, by event time, held out for evaluation. */
        @WithDefault("0.2")
        double holdoutFraction();

        /** Fewer examples than this fail the run. */
        @WithDefault("200")
        int minExamples();
    }

    interface Evaluation {

        @WithDefault("10")
        int calibrationBins();

        @WithDefault("1000")
        int bootstrapResamples();

        @WithDefault("0.95")
        double confidence();

        @WithDefault("42")
        long seed();

        /** Share of input values removed and imputed for the robustness metrics. */
        @WithDefault("0.1")
        double robustnessMissingShare();

        @WithDefault("20")
        int worstKept();
    }
}
