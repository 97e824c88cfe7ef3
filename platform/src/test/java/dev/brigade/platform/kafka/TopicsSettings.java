package dev.brigade.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The topic settings a station would read from its configuration, as a value for tests. */
record TopicsSettings(Optional<String> prefix, boolean ensure, short replicationFactor, Map<String, Integer> partitions,
        Duration timeout) implements KafkaTopicsConfig {

    /** The defaults of KafkaTopicsConfig with this prefix. */
    static TopicsSettings withPrefix(Optional<String> prefix) {
        return new TopicsSettings(prefix, true, (short) 1, Map.of(), Duration.ofSeconds(30));
    }
}
