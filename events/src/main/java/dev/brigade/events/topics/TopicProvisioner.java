package dev.brigade.events.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalogue's missing topics. Idempotent and safe to run from every service at start-up at once: a
 * topic that another service created a moment earlier counts as present. Existing topics are never altered.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    /** What one run did. */
    public record Result(List<String> created, List<String> existing) {
    }

    private final Admin admin;
    private final short replicationFactor;
    private final Map<String, Integer> partitions;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, short replicationFactor, Duration timeout) {
        this(admin, replicationFactor, Map.of(), timeout);
    }

    /** @param partitions partition counts by topic name, replacing the catalogue's where given */
    public TopicProvisioner(Admin admin, short replicationFactor, Map<String, Integer> partitions, Duration timeout) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
        this.partitions = Map.copyOf(partitions);
        this.timeout = timeout;
        this.partitions.forEach((topic, count) -> {
            if (count < 1) {
                throw new IllegalArgumentException("partitions of " + topic + " must be at least 1, not " + count);
            }
        });
    }

    /**
     * The ISR a write must reach with acks=all: one replica fewer than there are, at most two, so a cluster of
     * three keeps taking writes with one broker down and never acknowledges a write that only one broker holds.
     */
    public static Optional<Integer> minInsyncReplicas(short replicationFactor) {
        return replicationFactor < 2 ? Optional.empty() : Optional.of(Math.min(2, replicationFactor - 1));
    }

    /** The topic as it is created: the catalogue's settings, its partitions as configured, the ISR as above. */
    public NewTopic newTopic(TopicSpec topic) {
        Map<String, String> configs = new java.util.LinkedHashMap<>(topic.configs());
        minInsyncReplicas(replicationFactor).ifPresent(isr ->
                configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(isr)));
        return new NewTopic(topic.name(), partitions.getOrDefault(topic.name(), topic.partitions()),
                replicationFactor).configs(configs);
    }

    public Result ensure(Collection<TopicSpec> topics) {
        try {
            Set<String> present = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !present.contains(t.name()))
                    .map(this::newTopic)
                    .toList();
            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>(topics.stream().map(TopicSpec::name)
                    .filter(present::contains).toList());
            if (!missing.isEmpty()) {
                CreateTopicsResult result = admin.createTopics(missing);
                for (Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> entry
                        : result.values().entrySet()) {
                    try {
                        entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        created.add(entry.getKey());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                        existing.add(entry.getKey());
                    }
                }
            }
            if (!created.isEmpty()) {
                LOG.info("Created topics {}", created);
            }
            return new Result(List.copyOf(created), List.copyOf(existing));
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot ensure topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot ensure topics: no answer from Kafka within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while ensuring topics", e);
        }
    }
}
