package dev.brigade.monitor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The station's settings; deploy values come from environment variables (application.properties). */
@ConfigMapping(prefix = "brigade.monitor")
public interface MonitorConfig {

    /** Kafka Streams application id: its consumer group, transactional ids and internal topics. */
    @WithDefault("brigade-monitor")
    String applicationId();

    Path stateDir();

    /** Tests only: start from an empty local state dir (each test JVM has a fresh broker). */
    @WithDefault("false")
    boolean cleanStateOnStart();

    @WithDefault("100ms")
    Duration commitInterval();

    Window window();

    Drift drift();

    Alerts alerts();

    Join join();

    Registry registry();

    Webhook webhook();

    Features features();

    /**
     * The host other instances reach this one at (BRIGADE_ADVERTISED_HOST); with the HTTP port it is the Streams
     * application.server, so every instance knows which instance owns a use case.
     */
    @WithDefault("localhost")
    String advertisedHost();

    Routing routing();

    /** How long start-up waits for the registry view before the windows start (they need the profiles). */
    @WithDefault("60s")
    Duration catchUpTimeout();

    interface Window {
        /** Tumbling window length, per use case and model version. */
        @WithDefault("5m")
        Duration length();

        /** A window closes once the use case's observations are this much past its end (event time)... */
        @WithDefault("30s")
        Duration grace();

        /** ...and the window itself had no update for this long (wall clock)... */
        @WithDefault("30s")
        Duration quiet();

        /** ...or once it saw nothing new for this long (wall clock), so quiet traffic still closes windows. */
        @WithDefault("2m")
        Duration idleClose();

        /** Windows close only while the app's unread input is at most this many records (caught up). */
        @WithDefault("1000")
        long maxInputLag();

        /** How often open windows are checked for closing. */
        @WithDefault("1s")
        Duration tick();

        /** Closed windows kept per model version for the dashboard and the API (2016 = a week of 5 minutes). */
        @WithDefault("2016")
        int history();

        /** The costliest realised errors kept per window and model version (0: none, and no served features kept). */
        @WithDefault("10")
        int worstKept();
    }

    interface Drift {
        /** Family-wise error rate across a window's features (Holm). */
        @WithDefault("0.01")
        double alpha();

        /** Smallest KS distance that counts as drift for a numeric input. */
        @WithDefault("0.1")
        double minKsDistance();

        /** Smallest Cramér's V that counts as drift for a categorical input. */
        @WithDefault("0.1")
        double minCramersV();
    }

    interface Alerts {
        /** After an alert resolves, the same rule stays quiet for the same version this long (window time). */
        @WithDefault("1h")
        Duration cooldown();
    }

    interface Join {
        /** How long served features wait for the offline vector of the same event (skew). */
        @WithDefault("1h")
        Duration skewWait();

        /** How long a label that arrived before its prediction waits for it. */
        @WithDefault("1d")
        Duration pendingLabelWait();

        /** How often expired join state is swept (wall clock). */
        @WithDefault("1m")
        Duration sweep();
    }

    interface Registry {
        @WithDefault("http://localhost:8083")
        String url();

        /** The service account with the deployer role, for the rollback action. */
        @WithDefault("monitor-service")
        String user();

        @WithDefault("monitor-local")
        String password();

        /** Each registry call's connect and read timeout (brigade.rest-client.registry.timeout names it). */
        @WithDefault("10s")
        Duration timeout();
    }

    /** The feature-service's read API: each feature-set version's data contract checked on live data. */
    interface Features {
        @WithDefault("http://localhost:8081")
        String url();

        /** Short: the dashboard polls every 3 s and a slow feature-service must not hold its requests. */
        @WithDefault("2s")
        Duration timeout();

        /** The contract chart keeps at most one sample per version this often (taken when the dashboard reads). */
        @WithDefault("30s")
        Duration sampleEvery();

        /** Samples kept per feature-set version (240 x 30 s = 2 hours). */
        @WithDefault("240")
        int samplesKept();
    }

    /** Reads of a use case another instance owns, asked of that instance. */
    interface Routing {
        /** Each call to the owner: connect and read timeout. Short, the dashboard polls every 3 s. */
        @WithDefault("2s")
        Duration timeout();

        /** While a rebalance leaves a use case's owner unknown, a read waits at most this long before its 503. */
        @WithDefault("1s")
        Duration settle();

        /** The Retry-After of that 503. */
        @WithDefault("2s")
        Duration retryAfter();
    }

    interface Webhook {
        /** Where page actions are POSTed as JSON; without it they only go to the log. */
        Optional<String> url();

        @WithDefault("5s")
        Duration timeout();

        @WithDefault("3")
        int attempts();
    }
}
