package dev.brigade.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A one-node secured cluster stopped and started again on its data dir: what was generated once is reused. */
class KafkaClusterRestartTest {

    private static final String LOCAL_PASSWORD = "brigade-producer-local";

    @TempDir
    Path dataDir;

    @Test
    void aSecondClusterOnTheSameDataDirKeepsCertificatesPasswordsAclsAndRecords() throws Exception {
        // Given a one-node cluster, started with a chosen producer password, that took a record and was stopped
        String adminPassword;
        byte[] truststore;
        int aclCount;
        try (KafkaCluster first = oneNode(Map.of(StationAcls.PRODUCER, LOCAL_PASSWORD))) {
            first.createTopics(List.of(new NewTopic("labels", Optional.of(1), Optional.empty())));
            send(first, "labels", "event-1", "fraud");
            adminPassword = first.password(StationAcls.ADMIN);
            truststore = Files.readAllBytes(first.truststore());
            aclCount = aclCount(first);
        }

        // When a cluster starts again on the same data dir, without naming any password
        try (KafkaCluster second = oneNode(Map.of())) {

            // Then it has the same CA, passwords and ACLs (not one more), and the record is still there
            assertThat(Files.readAllBytes(second.truststore())).isEqualTo(truststore);
            assertThat(second.password(StationAcls.ADMIN)).isEqualTo(adminPassword);
            assertThat(second.password(StationAcls.PRODUCER)).isEqualTo(LOCAL_PASSWORD);
            assertThat(aclCount(second)).isEqualTo(aclCount).isEqualTo(StationAcls.bindings().size());
            assertThat(readAllAsAdmin(second, new TopicPartition("labels", 0), 1)).containsExactly("fraud");
        }
    }

    @Test
    void aPasswordOtherThanTheOneTheDataDirWasFormattedWithIsRefusedBeforeAnyNodeStarts() throws Exception {
        // Given a data dir whose cluster was formatted with generated passwords
        try (KafkaCluster first = oneNode(Map.of())) {
            assertThat(first.password(StationAcls.PRODUCER)).isNotEqualTo(LOCAL_PASSWORD);
        }

        // When a cluster is started on it with another password for the producer
        // Then it is refused, naming the user and the file that holds the right one
        assertThatThrownBy(() -> oneNode(Map.of(StationAcls.PRODUCER, LOCAL_PASSWORD)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(StationAcls.PRODUCER)
                .hasMessageContaining(ClusterSecrets.FILE_NAME);
    }

    private KafkaCluster oneNode(Map<String, String> passwords) {
        return KafkaCluster.builder().nodes(1).dataDir(dataDir).passwords(passwords).build().start();
    }

    private static int aclCount(KafkaCluster cluster) throws Exception {
        try (Admin admin = Admin.create(new HashMap<>(cluster.clientProperties(StationAcls.ADMIN)))) {
            return admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).size();
        }
    }

    private static void send(KafkaCluster cluster, String topic, String key, String value) throws Exception {
        Map<String, Object> config = new HashMap<>(cluster.clientProperties(StationAcls.PRODUCER));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> readAllAsAdmin(KafkaCluster cluster, TopicPartition partition, int expected) {
        Map<String, Object> config = new HashMap<>(cluster.clientProperties(StationAcls.ADMIN));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> consumed : consumer.poll(Duration.ofMillis(200))) {
                    values.add(consumed.value());
                }
            }
        }
        return values;
    }
}
