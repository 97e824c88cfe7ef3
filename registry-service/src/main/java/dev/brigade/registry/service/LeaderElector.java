package dev.brigade.registry.service;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.brigade.platform.kafka.KafkaClients;

/**
 * Active/standby by a Kafka consumer group: every instance runs one small consumer in the same group, subscribed to
 * a topic of one partition, so the group coordinator gives that partition to exactly one live member. That member is
 * the active instance: it is told to {@link Role#activate} (open the writer, which fences any predecessor, replay to
 * the log's end, announce itself) and the others stay standby. A member that leaves (closed), stops heartbeating
 * (killed, frozen, partitioned: after the session timeout) or stops polling (after the max poll interval) loses the
 * partition and another member gets it in the next rebalance.
 *
 * <p>The classic group protocol, chosen explicitly: its heartbeats run on their own thread, so an activation that
 * takes a few seconds (initTransactions, the catch-up) does not cost the partition. The cooperative sticky assignor
 * keeps the partition where it is when a member joins, so a standby (re)starting does not cause a takeover. The
 * partition is paused: the elector never reads records, it only holds the assignment.
 */
public final class LeaderElector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderElector.class);

    /** What the holder of the partition does; both run on the elector's thread. */
    public interface Role {

        /**
         * This instance was given the partition in this group generation: take over. Throwing gives the partition
         * away again (another member, or this one after a pause, gets it).
         */
        void activate(int generation) throws Exception;

        /** The partition was revoked or lost (or given away): stop writing at once. */
        void deactivate(String why);
    }

    /** Group timing: how soon a dead active is noticed (session) and how often members speak (heartbeat). */
    public record Timing(Duration sessionTimeout, Duration heartbeatInterval, Duration maxPollInterval) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String instanceId;
    private final Role role;
    private final Thread thread;
    private final AtomicBoolean resign = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile boolean holding;
    private volatile int pendingEpoch = -1;
    private volatile int epoch = -1;

    /**
     * @param topic the physical one-partition topic (registry-leader)
     * @param group the physical group id (registry-service-leader, through TopicNames)
     */
    public LeaderElector(KafkaClients clients, String topic, String group, String instanceId, Timing timing,
            Role role) {
        this.topic = topic;
        this.instanceId = instanceId;
        this.role = role;
        this.consumer = clients.consumer("registry-leader-elector", Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) timing.sessionTimeout().toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) timing.heartbeatInterval().toMillis(),
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) timing.maxPollInterval().toMillis(),
                // the member's id in the group's description, so an operator sees who holds the partition
                ConsumerConfig.CLIENT_ID_CONFIG, clients.clientId("registry-leader-elector") + "-" + instanceId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                // sticky: a standby that (re)joins does not take the partition from a healthy active
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()));
        this.thread = new Thread(this::run, "registry-leader-elector");
        this.thread.setDaemon(true);
    }

    public LeaderElector start() {
        started = true;
        thread.start();
        return this;
    }

    /** Whether this member holds the partition now (activated or activating). */
    public boolean holding() {
        return holding;
    }

    /** The group generation this member was last given the partition in, -1 if never. */
    public int epoch() {
        return epoch;
    }

    /**
     * Gives the partition away (leave the group, join again): for an active whose writer was fenced by something
     * outside the group, so that the group decides again instead of this member holding a partition it cannot use.
     */
    public void resign() {
        resign.set(true);
        consumer.wakeup();
    }

    private void run() {
        try {
            subscribe();
            while (running) {
                try {
                    consumer.poll(Duration.ofMillis(500));
                    int wanted = pendingEpoch;
                    if (wanted >= 0) {
                        pendingEpoch = -1;
                        activate(wanted);
                    }
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                    if (resign.getAndSet(false)) {
                        giveAway("resigned: the writer was fenced");
                    }
                } catch (KafkaException e) {
                    // a broker outage: the group notices our silence after the session timeout; poll on
                    LOG.warnf("Leader elector %s: %s; polling on in 1 s", instanceId, e.toString());
                    sleep(1000);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Leader elector %s stopped; this instance stays standby", instanceId);
        } finally {
            release("elector closing");
            try {
                consumer.close(Duration.ofSeconds(5)); // leaves the group: the next member takes over at once
            } catch (RuntimeException e) {
                LOG.debug("Leader elector not closed cleanly", e);
            }
        }
    }

    private void activate(int generation) {
        long started = System.nanoTime();
        try {
            role.activate(generation);
            LOG.infof("Registry instance %s is ACTIVE (group generation %d), took %d ms from the assignment", instanceId,
                    generation, (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            LOG.errorf(e, "Registry instance %s could not take over (group generation %d); giving the partition away",
                    instanceId, generation);
            giveAway("activation failed: " + e.getMessage());
            sleep(1000);
        }
    }

    private void giveAway(String why) {
        release(why);
        consumer.unsubscribe();
        subscribe();
    }

    private void subscribe() {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (partitions.isEmpty()) {
                    return;
                }
                consumer.pause(partitions);
                int generation = consumer.groupMetadata().generationId();
                holding = true;
                epoch = generation;
                pendingEpoch = generation;
                LOG.infof("Registry instance %s was given %s in group generation %d; taking over", instanceId, partitions,
                        generation);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    release("the leader partition was revoked (a rebalance gave it to another member)");
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    release("the leader partition was lost (this member was out of the group: session timeout)");
                }
            }
        });
    }

    private void release(String why) {
        pendingEpoch = -1;
        if (holding) {
            holding = false;
            LOG.warnf("Registry instance %s is STANDBY: %s", instanceId, why);
            try {
                role.deactivate(why);
            } catch (RuntimeException e) {
                LOG.warn("Deactivation failed", e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO); // never started
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
