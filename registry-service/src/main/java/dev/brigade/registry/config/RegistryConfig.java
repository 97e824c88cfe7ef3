package dev.brigade.registry.config;

import java.nio.file.Path;
import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The registry's own settings; application.properties maps each to an environment variable. */
@ConfigMapping(prefix = "brigade.registry")
public interface RegistryConfig {

    /** Root of the content-addressed artifact files ({@code <dir>/sha256/<hex>}). */
    Path artifactDir();

    /** Largest artifact accepted; larger uploads get 413. */
    @WithDefault("50M")
    MemorySize maxArtifactSize();

    /**
     * Fixed transactional.id of the one writer. A second instance with the same id fences the first: the first
     * can no longer write, so two registries never both append to registry-events.
     */
    @WithDefault("registry-service-writer")
    String writerId();

    /** How long a write may take: Kafka's acknowledgement plus the replay applying it (read-your-writes). */
    @WithDefault("15s")
    Duration writeTimeout();

    Gate gate();

    /** How often the rollout driver looks for versions to move along an autoAdvance rollout. */
    @WithDefault("5s")
    Duration rolloutInterval();

    interface Gate {

        /** Single-row predictions before timing, so the JIT has compiled the scorer. */
        @WithDefault("2000")
        int latencyWarmup();

        /** Single-row predictions timed for the latency percentiles. */
        @WithDefault("2000")
        int latencyPredictions();
    }
}
