package dev.brigade.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** What a {@link KafkaCluster} asks of the cluster itself, as brigade-admin: liveness, ACLs, topics, leaders. */
final class ClusterAdmin implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterAdmin.class.getName());
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    ClusterAdmin(Map<String, Object> adminProperties) {
        this.admin = Admin.create(adminProperties);
    }

    /** The brokers the cluster reports alive and unfenced. */
    Set<Integer> liveBrokers(Duration timeout) throws Exception {
        // The call's own timeout: an abandoned call would otherwise live on, retrying, for the admin's default 60 s.
        return admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
                .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).stream()
                .map(Node::id).collect(Collectors.toSet());
    }

    /**
     * Makes the ACLs of the given users exactly {@code desired}: creates what is missing and deletes what those users
     * no longer have (a data dir kept from an earlier version of the table). Other users' ACLs are left alone.
     */
    void syncAcls(List<AclBinding> desired, Collection<String> users) {
        Set<String> principals = users.stream().map(user -> "User:" + user).collect(Collectors.toSet());
        Set<AclBinding> existing = new HashSet<>(await(admin.describeAcls(AclBindingFilter.ANY).values()));
        List<AclBinding> missing = desired.stream().filter(binding -> !existing.contains(binding)).toList();
        Set<AclBinding> wanted = Set.copyOf(desired);
        List<AclBindingFilter> stale = existing.stream()
                .filter(binding -> principals.contains(binding.entry().principal()) && !wanted.contains(binding))
                .map(AclBinding::toFilter)
                .toList();
        if (!missing.isEmpty()) {
            await(admin.createAcls(missing).all());
        }
        if (!stale.isEmpty()) {
            await(admin.deleteAcls(stale).all());
        }
        LOG.info(() -> "ACLs: " + missing.size() + " created, " + stale.size() + " stale deleted, "
                + (desired.size() - missing.size()) + " already there");
    }

    /**
     * Creates the topics that do not exist yet, each with the given replication factor and min.insync.replicas
     * (unless a topic sets its own); existing topics are left as they are.
     */
    void createTopics(Collection<NewTopic> topics, short replicationFactor, int minInSyncReplicas) {
        List<NewTopic> requests = new ArrayList<>();
        for (NewTopic topic : topics) {
            Map<String, String> configs = new HashMap<>(topic.configs() == null ? Map.of() : topic.configs());
            configs.putIfAbsent(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInSyncReplicas));
            Optional<Integer> partitions = topic.numPartitions() > 0 ? Optional.of(topic.numPartitions())
                    : Optional.empty();
            requests.add(new NewTopic(topic.name(), partitions, Optional.of(replicationFactor)).configs(configs));
        }
        CreateTopicsResult result = admin.createTopics(requests);
        result.values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + name + ": " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + name, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Creating topic " + name + " took over " + TIMEOUT_SECONDS + " s", e);
            }
        });
    }

    /** The node leading a partition now, as the controller last told the brokers. */
    int leaderOf(String topic, int partition) {
        TopicDescription description = await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        TopicPartitionInfo info = description.partitions().stream()
                .filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(topic + " has no partition " + partition));
        if (info.leader() == null || info.leader().isEmpty()) {
            throw new IllegalStateException(topic + "-" + partition + " has no leader now");
        }
        return info.leader().id();
    }

    private static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the cluster", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The cluster refused an admin request: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The cluster did not answer within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
