package dev.brigade.platform.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicSpec;
import dev.brigade.events.topics.Topics;

/**
 * The physical Kafka names of one install: the install prefix ({@code BRIGADE_TOPIC_PREFIX}) put before every
 * logical topic of the contract ({@link Topics}, {@link TopicCatalog}), every consumer group, every Streams
 * application id (so its internal topics follow) and every transactional id, so that two installs share a cluster
 * without seeing each other's records. Stations inject it (or topologies take it as a parameter) and never hand a
 * {@link Topics} constant to a Kafka client directly.
 *
 * @param prefix empty for an install alone on its cluster
 */
public record TopicNames(String prefix) {

    /** The environment variable operators set; every refusal names it. */
    public static final String VARIABLE = "BRIGADE_TOPIC_PREFIX";

    /**
     * Kafka's topic limit is 249 characters; Streams internal topics add the application id, a store name and
     * "-changelog" to the prefix, so the prefix keeps to a small share of it.
     */
    public static final int MAX_LENGTH = 64;

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

    /** No prefix: the names of an install alone on its cluster (and of the tests). */
    public static final TopicNames NONE = new TopicNames("");

    public TopicNames {
        if (prefix == null) {
            prefix = "";
        }
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException(VARIABLE + " '" + prefix + "' is not usable in Kafka topic names: "
                    + "only letters, digits, '.', '_' and '-' are allowed");
        }
        if (prefix.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(VARIABLE + " is " + prefix.length() + " characters long; at most "
                    + MAX_LENGTH + " leave room for the topic, application and internal topic names after it");
        }
    }

    /** The physical name of a logical topic (raw-events becomes {@code <prefix>raw-events}). */
    public String topic(String logical) {
        return prefix + logical;
    }

    /** The physical name of a logical topic's dead-letter twin ({@code <prefix><topic>.dlq}). */
    public String dlq(String logical) {
        return prefix + Topics.dlq(logical);
    }

    /** A consumer group id of this install. */
    public String group(String name) {
        return prefix + name;
    }

    /** A Kafka Streams application id of this install: its group, transactional ids and internal topics follow. */
    public String applicationId(String name) {
        return prefix + name;
    }

    /** A producer's transactional id of this install. */
    public String transactionalId(String name) {
        return prefix + name;
    }

    /**
     * The logical name of a physical topic of this install, empty for a topic of another install (or of none):
     * what a station reads by topic name from a record or a caller goes through here, so it cannot leave the
     * install.
     */
    public Optional<String> logical(String physical) {
        if (physical == null || !physical.startsWith(prefix) || physical.length() == prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(physical.substring(prefix.length()));
    }

    /** The topic catalogue under this install's names, for creation. */
    public List<TopicSpec> catalogue() {
        return TopicCatalog.all().stream()
                .map(t -> new TopicSpec(topic(t.name()), t.key(), t.valueType(), t.partitions(), t.cleanup(),
                        t.retention()))
                .toList();
    }

    /** Partition overrides keyed by logical name (brigade.topics.partitions."raw-events"), keyed by physical name. */
    public Map<String, Integer> physicalKeys(Map<String, Integer> byLogicalName) {
        Map<String, Integer> physical = new LinkedHashMap<>();
        byLogicalName.forEach((logical, count) -> physical.put(topic(logical), count));
        return physical;
    }
}
