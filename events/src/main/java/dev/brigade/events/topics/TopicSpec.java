package dev.brigade.events.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.TopicConfig;

/**
 * What a topic carries and how the broker keeps it.
 *
 * @param retention how long records are kept; empty means forever (an audit trail or a compacted table)
 */
public record TopicSpec(String name, KeyKind key, Class<?> valueType, int partitions, Cleanup cleanup,
        Optional<Duration> retention) {

    /** What the record key is; keys are UTF-8 strings on the wire. */
    public enum KeyKind {
        ENTITY_ID, EVENT_ID, USE_CASE, RUN_ID, FEATURE_SET_VERSION, SAME_AS_SOURCE,
        /** The name of the service the record speaks for (registry-leader: registry-service). */
        SERVICE
    }

    public enum Cleanup {
        DELETE, COMPACT
    }

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1 for " + name);
        }
    }

    public boolean isDeadLetter() {
        return name.endsWith(Topics.DLQ_SUFFIX);
    }

    /** Broker-side topic configuration for creation. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                cleanup == Cleanup.COMPACT ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
        return configs;
    }
}
