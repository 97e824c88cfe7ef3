package dev.brigade.registry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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
     * Where artifacts live: {@code file} (the default: {@link #artifactDir()}, a volume both instances mount when
     * there are two). The one extension point for an object store is service/ArtifactStore.
     */
    @WithDefault("file")
    String artifactStore();

    /**
     * Fixed transactional.id of the one writer. Only the active instance opens it; opening it fences any earlier
     * holder, so two registries never both append to registry-events.
     */
    @WithDefault("registry-service-writer")
    String writerId();

    /** How long a write may take: Kafka's acknowledgement plus the replay applying it (read-your-writes). */
    @WithDefault("15s")
    Duration writeTimeout();

    Gate gate();

    Leader leader();

    /** How often the rollout driver looks for versions to move along an autoAdvance rollout. */
    @WithDefault("5s")
    Duration rolloutInterval();

    /** Active/standby: who writes, how soon a dead active is replaced, what a standby does with writes. */
    interface Leader {

        /** Host others reach this instance at (its URL is http://host:port): BRIGADE_ADVERTISED_HOST. */
        @WithDefault("localhost")
        String advertisedHost();

        /** The full URL, when host:port is not it (a proxy, https): BRIGADE_ADVERTISED_URL. */
        Optional<String> advertisedUrl();

        /** This instance's name in announcements and logs; advertised host:port when unset. */
        Optional<String> instanceId();

        /** How long the group waits for a silent member (a killed active) before another takes over. */
        @WithDefault("10s")
        Duration sessionTimeout();

        /** How often members heartbeat; a survivor learns of a rebalance within one interval. */
        @WithDefault("3s")
        Duration heartbeatInterval();

        /** An elector that does not poll for this long (a stuck activation) gives the partition away. */
        @WithDefault("60s")
        Duration maxPollInterval();

        /** What a standby does with a write: forward it to the active (default), or answer 307 to it. */
        @WithDefault("forward")
        StandbyWrites standbyWrites();

        /** How long a forwarded write may take end to end (uploads and the gate's latency run included). */
        @WithDefault("120s")
        Duration forwardTimeout();

        /** At start, how long to wait for this instance to become active or learn the active one. */
        @WithDefault("20s")
        Duration startupWait();

        enum StandbyWrites {
            FORWARD, REDIRECT
        }
    }

    interface Gate {

        /** Single-row predictions before timing, so the JIT has compiled the scorer. */
        @WithDefault("2000")
        int latencyWarmup();

        /** Single-row predictions timed for the latency percentiles. */
        @WithDefault("2000")
        int latencyPredictions();
    }
}
