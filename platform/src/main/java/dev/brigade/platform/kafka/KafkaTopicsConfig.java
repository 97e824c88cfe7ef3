package dev.brigade.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a station provisions the topic catalogue at start-up. */
@ConfigMapping(prefix = "brigade.topics")
public interface KafkaTopicsConfig {

    /**
     * The install prefix (BRIGADE_TOPIC_PREFIX) of every topic, group, Streams application and transactional id, so
     * two installs share a cluster; empty (the default) for an install alone on its cluster. See {@link TopicNames}.
     */
    Optional<String> prefix();

    /** Create missing catalogue topics at start-up; off where a platform team owns topics. */
    @WithDefault("true")
    boolean ensure();

    /** 1 for a single local broker; 3 in production (min.insync.replicas then becomes 2). */
    @WithDefault("1")
    short replicationFactor();

    /**
     * Partition counts by logical topic name (the install prefix is added), replacing the catalogue's
     * (brigade.topics.partitions."raw-events"=12).
     * Topics read together by key (raw-events and raw-events.accepted, scoring-requests) keep equal counts.
     */
    Map<String, Integer> partitions();

    @WithDefault("30s")
    Duration timeout();
}
