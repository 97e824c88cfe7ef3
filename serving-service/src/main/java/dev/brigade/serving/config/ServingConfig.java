package dev.brigade.serving.config;

import java.net.URI;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The serving counter's settings (application.properties, `## Serving`); deploy values come from env vars. */
@ConfigMapping(prefix = "brigade.serving")
public interface ServingConfig {

    /** Base URL of the registry-service: artifacts are downloaded from its read API. */
    @WithDefault("http://localhost:8083")
    URI registryUrl();

    /** Base URL of the feature-service: online features for each scored request. */
    @WithDefault("http://localhost:8081")
    URI featuresUrl();

    Features features();

    Models models();

    Requests requests();

    PredictionLog predictionLog();

    Shadow shadow();

    interface Features {

        /** Share of the use case's latency budget (serving.latencyBudgetMs) the feature look-up may take. */
        @WithDefault("0.6")
        double budgetShare();

        /** Budget used when a use case's spec has none (it always has one once registered). */
        @WithDefault("50ms")
        Duration defaultBudget();

        /** Connections kept open to the feature-service (per event loop). */
        @WithDefault("32")
        int poolSize();

        @WithDefault("500ms")
        Duration connectTimeout();

        /**
         * A look-up past its deadline is left to finish on its keep-alive connection (the caller has its TIMEOUT
         * answer already); one that receives nothing for this long is closed, so a hung feature-service frees the
         * pool.
         */
        @WithDefault("5s")
        Duration abandonAfter();

        /**
         * Coalesce the look-ups one event loop issues for the same feature-set version into one batch call
         * ({@code POST /v1/features/{set}?version=n}, feature-service 0.1.0 and later): what is asked during one turn
         * of the event loop goes out together, and while {@link #maxBatchesInFlight()} calls are on the wire the next
         * look-ups wait for one of them to come back and go out as the next batch. Off: one call per look-up.
         */
        @WithDefault("true")
        boolean coalesce();

        /** Items in one batch call (the feature-service takes up to 256). */
        @WithDefault("64")
        int maxBatchItems();

        /** Batch calls on the wire at once per event loop and feature-set version; more wait and are coalesced. */
        @WithDefault("1")
        int maxBatchesInFlight();
    }

    interface Models {

        /** The largest artifact downloaded; bigger ones fail to load (the registry's own limit is 50 MiB). */
        @WithDefault("64M")
        io.quarkus.runtime.configuration.MemorySize maxArtifactSize();

        /** How long a download may wait for the registry to connect or send more: the REST client's timeouts. */
        @WithDefault("10s")
        Duration downloadTimeout();

        /** Attempts to load a version before it is given up (and alerted); each waits twice as long as the last. */
        @WithDefault("4")
        int loadAttempts();

        @WithDefault("500ms")
        Duration retryBackoff();

        /** Rows scored on the loader thread before a model takes traffic (JIT warm-up, off the request path). */
        @WithDefault("2000")
        int warmupRows();
    }

    interface Requests {

        /** The largest single scoring body (a larger one is 413). */
        @WithDefault("64K")
        io.quarkus.runtime.configuration.MemorySize maxBodySize();

        /** The largest batch body. */
        @WithDefault("1M")
        io.quarkus.runtime.configuration.MemorySize maxBatchBodySize();

        @WithDefault("100")
        int maxBatchItems();

        /**
         * Whether POST /v1/noop, the benchmark's baseline, answers (bench/run.sh turns it on); off, it is a 404 like
         * any unknown path, so production exposes no endpoint that accepts any JSON and does nothing.
         */
        @WithDefault("false")
        boolean noopEndpoint();
    }

    interface PredictionLog {

        /** Predictions waiting to be sent to Kafka; beyond it new ones are dropped, counted and logged. */
        @WithDefault("10000")
        int bufferSize();

        /** Sends not yet acknowledged by Kafka. */
        @WithDefault("1000")
        int maxInFlight();

        /**
         * How long the sender lets predictions gather after the first one before it hands them to Kafka: one
         * wake-up of its thread per interval instead of one per request (the producer lingers anyway).
         */
        @WithDefault("5ms")
        Duration gather();

        /** The prediction log producer's linger.ms: predictions reach Kafka this much later, in fewer requests. */
        @WithDefault("20ms")
        Duration linger();

        /** The prediction log producer's compression.type. */
        @WithDefault("lz4")
        String compression();

        /**
         * The prediction log producer's batch.size in bytes. Kafka's default (16 KiB) closes a batch long before the
         * linger is up at a few thousand predictions a second, and each batch is a produce request the producer's
         * thread writes and completes on the serving CPU.
         */
        @WithDefault("262144")
        int batchSize();
    }

    interface Shadow {

        /** Shadow scorings waiting for a thread; beyond it they are dropped (counted), never the answer. */
        @WithDefault("1000")
        int queueSize();

        @WithDefault("1")
        int threads();
    }
}
