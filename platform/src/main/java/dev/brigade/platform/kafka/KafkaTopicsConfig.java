package dev.brigade.platform.kafka;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a station provisions the topic catalogue at start-up. */
@ConfigMapping(prefix = "brigade.topics")
public interface KafkaTopicsConfig {

    /** Create missing catalogue topics at start-up; off where a platform team owns topics. */
    @WithDefault("true")
    boolean ensure();

    /** 1 for a single local broker; 3 in production. */
    @WithDefault("1")
    short replicationFactor();

    @WithDefault("30s")
    Duration timeout();
}
