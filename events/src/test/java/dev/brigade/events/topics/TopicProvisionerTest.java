package dev.brigade.events.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {

    @Test
    void aClusterOfThreeTakesWritesThatTwoReplicasHold() {
        // Given a replication factor of three
        TopicProvisioner provisioner = new TopicProvisioner(null, (short) 3, Duration.ofSeconds(1));

        // When registry-events is made
        NewTopic topic = provisioner.newTopic(TopicCatalog.get(Topics.REGISTRY_EVENTS));

        // Then it has three replicas and acks=all needs two of them
        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs()).containsEntry("min.insync.replicas", "2")
                .containsEntry("retention.ms", "-1");
    }

    @Test
    void oneBrokerHasNoIsrToAskForAndTwoAskForOne() {
        assertThat(TopicProvisioner.minInsyncReplicas((short) 1)).isEmpty();
        assertThat(TopicProvisioner.minInsyncReplicas((short) 2)).contains(1);
        assertThat(TopicProvisioner.minInsyncReplicas((short) 5)).contains(2);
        assertThat(new TopicProvisioner(null, (short) 1, Duration.ofSeconds(1))
                .newTopic(TopicCatalog.get(Topics.LABELS)).configs()).doesNotContainKey("min.insync.replicas");
    }

    @Test
    void configuredPartitionsReplaceTheCatalogues() {
        // Given raw-events raised to 12 partitions
        TopicProvisioner provisioner = new TopicProvisioner(null, (short) 1, Map.of(Topics.RAW_EVENTS, 12),
                Duration.ofSeconds(1));

        // Then raw-events has 12 and a topic not named keeps the catalogue's count
        assertThat(provisioner.newTopic(TopicCatalog.get(Topics.RAW_EVENTS)).numPartitions()).isEqualTo(12);
        assertThat(provisioner.newTopic(TopicCatalog.get(Topics.LABELS)).numPartitions())
                .isEqualTo(TopicCatalog.get(Topics.LABELS).partitions());
        assertThatThrownBy(() -> new TopicProvisioner(null, (short) 1, Map.of(Topics.LABELS, 0), Duration.ZERO))
                .hasMessageContaining("labels");
    }
}
