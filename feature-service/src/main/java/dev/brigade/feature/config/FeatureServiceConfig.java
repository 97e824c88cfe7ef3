package dev.brigade.feature.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the prep station. */
@ConfigMapping(prefix = "brigade.features")
public interface FeatureServiceConfig {

    /** Streams application ids start with this; one app per feature-set version, plus the intake app. */
    @WithDefault("brigade-features")
    String applicationIdPrefix();

    /** Kafka Streams state (RocksDB) lives here; it is a cache of the changelog topics. */
    Path stateDir();

    /** Host name other instances use to reach this one for look-ups of keys it owns. */
    @WithDefault("localhost")
    String advertisedHost();

    /**
     * How often the Streams apps commit their transactions. Outputs become visible to read_committed consumers at
     * commits: a version sees an event at the gate's commit, its vector at the version's. Each commit is a round trip
     * to the broker, so committing too often costs throughput.
     */
    @WithDefault("1s")
    Duration commitInterval();

    /**
     * Stream threads per Streams app. Tasks (one per raw-events partition) spread over them; more than one pays only
     * with a spare core, since every app of the station and the HTTP event loops share the same CPUs.
     */
    @WithDefault("1")
    int streamThreads();

    /** How long after its event a label may still join; the use cases' label delays must fit inside. */
    @WithDefault("7d")
    Duration maxLabelDelay();

    /** How often pending labels are checked against the maximum delay. */
    @WithDefault("30s")
    Duration joinSweepInterval();

    /** The shipped feature sets (class-path resources), registered at start-up when missing. */
    @WithDefault("feature-sets/card-activity-v1.yaml,feature-sets/courier-load-v1.yaml")
    List<String> shippedFeatureSets();

    @WithDefault("true")
    boolean registerShippedFeatureSets();

    Intake intake();

    Lookup lookup();

    interface Intake {

        /** Items in one POST /v1/events or /v1/labels. */
        @WithDefault("1000")
        int maxBatch();

        /** How long a request waits for Kafka to acknowledge its accepted items. */
        @WithDefault("10s")
        Duration ackTimeout();
    }

    interface Lookup {

        /** Budget of a look-up routed to the instance that owns the key. */
        @WithDefault("500ms")
        Duration remoteTimeout();

        /** Look-ups in one batch (POST /v1/features/{set}); a larger batch is refused with 413. */
        @WithDefault("256")
        int maxBatchItems();
    }
}
