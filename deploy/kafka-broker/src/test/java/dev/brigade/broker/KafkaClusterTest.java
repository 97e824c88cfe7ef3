package dev.brigade.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One secured three-node cluster for the whole class (starting one costs tens of seconds on a 2-core host); the test
 * that kills a node runs last and starts it again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaClusterTest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;

    static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KafkaCluster.builder().nodes(3).dataDir(dataDir).build().start();
        cluster.createTopics(List.of(
                new NewTopic("raw-events", Optional.of(3), Optional.empty()),
                new NewTopic("training-runs", Optional.of(1), Optional.empty()),
                new NewTopic("registry-events", Optional.of(1), Optional.empty()),
                new NewTopic("predictions", Optional.of(3), Optional.empty()),
                new NewTopic("alerts", Optional.of(1), Optional.empty())));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void threeSecuredNodesServeTopicsReplicatedThreeTimesWithTwoInSyncReplicasRequired() throws Exception {
        // Given the started cluster

        // When the admin describes it and a catalogue topic
        TopicDescription rawEvents;
        Map<String, String> topicConfig = new HashMap<>();
        try (Admin admin = Admin.create(new HashMap<>(cluster.clientProperties(StationAcls.ADMIN)))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            rawEvents = admin.describeTopics(List.of("raw-events")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("raw-events");
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "raw-events");
            admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).entries()
                    .forEach(entry -> topicConfig.put(entry.name(), entry.value()));
        }

        // Then every node is there, on SASL_SSL, and the topic has three replicas and needs two in sync
        assertThat(cluster.nodeIds()).containsExactly(1, 2, 3);
        assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
        assertThat(rawEvents.partitions()).hasSize(3)
                .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
        assertThat(topicConfig).containsEntry("min.insync.replicas", "2");
        assertThat(cluster.clientProperties(StationAcls.PRODUCER))
                .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cluster.credentialsFile())))
                .isEqualTo("rw-------");
    }

    @Test
    @Order(2)
    void aStationProducesWithAcksAllAndIdempotenceAndConsumesWithItsGroup() throws Exception {
        // Given the training-service principal, which writes and reads training-runs with its group
        Map<String, String> training = cluster.clientProperties(StationAcls.TRAINING_SERVICE);

        // When it sends a run with acks=all and idempotence, and reads the topic back in group training-service
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = producer(training)) {
            sent = producer.send(new ProducerRecord<>("training-runs", "run-1", "succeeded"))
                    .get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        List<String> read = consume(training, "training-service", "training-runs", 1);
        int brokersSeen;
        try (Admin admin = Admin.create(new HashMap<>(training))) {
            // what a station's Kafka health check asks
            brokersSeen = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        }

        // Then the record made the round trip, and the station sees the brokers without any cluster ACL
        assertThat(sent.offset()).isZero();
        assertThat(read).containsExactly("succeeded");
        assertThat(brokersSeen).isEqualTo(3);
    }

    @Test
    @Order(3)
    void aWrongPasswordIsRefusedWithASaslAuthenticationError() {
        // Given the client settings of a station with another password
        Map<String, String> wrong = new HashMap<>(cluster.clientProperties(StationAcls.SERVING_SERVICE));
        wrong.put(SaslConfigs.SASL_JAAS_CONFIG, ClusterNodeSettings.scramJaas(StationAcls.SERVING_SERVICE,
                "not-" + cluster.password(StationAcls.SERVING_SERVICE)));

        // When it asks for the cluster's brokers
        Throwable refused;
        try (Admin admin = Admin.create(new HashMap<>(wrong))) {
            refused = catchThrowable(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
        }

        // Then the authentication fails, and says so
        assertThat(refused).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    @Order(4)
    void anonymousClientsWithoutTlsOrWithoutSaslGetNoMetadata() {
        // Given a PLAINTEXT client and a TLS client that does not authenticate, both on the secured port
        Map<String, Object> plaintext = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        Map<String, Object> tlsOnly = new HashMap<>(cluster.clientProperties(StationAcls.PRODUCER));
        tlsOnly.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");
        tlsOnly.remove(SaslConfigs.SASL_MECHANISM);
        tlsOnly.remove(SaslConfigs.SASL_JAAS_CONFIG);

        for (Map<String, Object> anonymous : List.of(plaintext, tlsOnly)) {
            Map<String, Object> config = new HashMap<>(anonymous);
            // Short: an answer would come within milliseconds, and waiting for none is the test's whole cost.
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
            // When it asks for the brokers and the topics
            try (Admin admin = Admin.create(config)) {
                Throwable nodes = catchThrowable(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS));
                Throwable topics = catchThrowable(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS));

                // Then it gets neither: the broker drops the connection, and the client times out
                assertThat(nodes).as("describeCluster as %s", anonymous.get("security.protocol"))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
                assertThat(topics).as("listTopics as %s", anonymous.get("security.protocol"))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
        }
    }

    @Test
    @Order(5)
    void theControllerListenerLetsInOnlyTheNodesOwnLogin() throws Exception {
        // Given admin clients for the controller listeners: as brigade-admin (SCRAM), and with the nodes' PLAIN login
        Map<String, Object> scramAdmin = new HashMap<>(cluster.clientProperties(StationAcls.ADMIN));
        scramAdmin.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        scramAdmin.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, cluster.controllerBootstrapServers());
        scramAdmin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
        scramAdmin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        Map<String, Object> nodeLogin = new HashMap<>(scramAdmin);
        nodeLogin.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        nodeLogin.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + ClusterSecrets.CONTROLLER_USER + "\" password=\"" + cluster.controllerPassword() + "\";");

        // When each asks the controllers who they are
        Throwable asAdmin;
        try (Admin admin = Admin.create(scramAdmin)) {
            asAdmin = catchThrowable(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS));
        }
        int controllersSeen;
        try (Admin admin = Admin.create(nodeLogin)) {
            controllersSeen = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        }

        // Then a client user, even the super user, cannot log in there; the nodes' own login can
        assertThat(asAdmin).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AuthenticationException.class);
        assertThat(controllersSeen).isEqualTo(3);
    }

    @Test
    @Order(6)
    void servingCannotWriteRegistryEventsAndNothingReachesTheTopic() throws Exception {
        // Given the serving-service principal, which only reads registry-events
        Map<String, String> serving = cluster.clientProperties(StationAcls.SERVING_SERVICE);

        // When it tries to append a registry event
        Throwable refused;
        try (KafkaProducer<String, String> producer = producer(serving)) {
            refused = catchThrowable(() -> producer.send(new ProducerRecord<>("registry-events", "fraud", "promoted"))
                    .get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }

        // Then the broker refuses it, and the admin sees the topic still empty
        assertThat(refused).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(endOffset("registry-events", 0)).isZero();
    }

    @Test
    @Order(7)
    void theEventProducerCannotReadPredictions() {
        // Given brigade-producer, which may only write the platform's inputs
        Map<String, Object> config = new HashMap<>(cluster.clientProperties(StationAcls.PRODUCER));
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");

        // When it tries to read predictions without a group
        Throwable refused;
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("predictions", 0)));
            consumer.seekToBeginning(List.of(new TopicPartition("predictions", 0)));
            refused = catchThrowable(() -> {
                long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500));
                }
            });
        }

        // Then the broker refuses it
        assertThat(refused).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    @Order(8)
    void aStreamsAppWithExactlyOnceRunsUnderTheMonitorPrincipalOnItsPrefixedInternalTopics(@TempDir Path stateDir)
            throws Exception {
        // Given serving's predictions, and a monitor Streams app (exactly_once_v2) that counts them per use case
        // through a repartition topic and a changelog, both created by the app under the brigade-monitor prefix
        try (KafkaProducer<String, String> producer = producer(cluster.clientProperties(StationAcls.SERVING_SERVICE))) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>("predictions", "event-" + i, i % 2 == 0 ? "fraud" : "eta"))
                        .get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        Properties config = new Properties();
        config.putAll(cluster.clientProperties(StationAcls.MONITOR_SERVICE));
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StationAcls.MONITOR_STREAMS_PREFIX + "-acl-check");
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("predictions", Consumed.with(Serdes.String(), Serdes.String()))
                .groupBy((eventId, useCase) -> useCase, Grouped.with("by-use-case", Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .mapValues(String::valueOf)
                .to("alerts", Produced.with(Serdes.String(), Serdes.String()));

        // When the app runs until its counts reach the alerts topic
        Map<String, String> latest = new HashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), config)) {
            streams.setUncaughtExceptionHandler(e -> {
                failures.add(e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!("3".equals(latest.get("fraud")) && "3".equals(latest.get("eta")))
                    && failures.isEmpty() && System.nanoTime() < deadline) {
                readAllAsAdmin(new TopicPartition("alerts", 0), Integer.MAX_VALUE, Duration.ofSeconds(2))
                        .forEach(record -> latest.put(record.key(), record.value()));
            }
            streams.close(Duration.ofSeconds(30));
        }

        // Then it ran without an authorization failure and committed its counts
        assertThat(failures).isEmpty();
        assertThat(latest).containsEntry("fraud", "3").containsEntry("eta", "3");
    }

    @Test
    @Order(9)
    void killingThePartitionLeaderKeepsAcksAllWritesGoingAndLosesNothingAcknowledged() throws Exception {
        // Given brigade-producer writing raw-events partition 0 (three replicas, two must be in sync) with acks=all
        TopicPartition partition = new TopicPartition("raw-events", 0);
        List<String> acknowledged = new ArrayList<>();
        int victim;
        try (KafkaProducer<String, String> producer = producer(cluster.clientProperties(StationAcls.PRODUCER))) {
            acknowledged.addAll(sendAll(producer, partition, "before", 20));
            victim = cluster.leaderOf("raw-events", 0);

            // When the partition's leader is killed with SIGKILL and writing goes on
            cluster.kill(victim);
            acknowledged.addAll(sendAll(producer, partition, "during", 20));
        }

        // Then every write was acknowledged, by a new leader
        assertThat(acknowledged).hasSize(40);
        assertThat(cluster.leaderOf("raw-events", 0)).isNotEqualTo(victim);

        // When the killed node comes back on its ports and data
        cluster.start(victim);

        // Then every acknowledged record is there, once, in order
        assertThat(readAllAsAdmin(partition, acknowledged.size(), CLIENT_TIMEOUT).stream().map(ConsumerRecord::value))
                .containsExactlyElementsOf(acknowledged);
        assertThat(cluster.isRunning(victim)).isTrue();
    }

    private static List<String> sendAll(KafkaProducer<String, String> producer, TopicPartition partition,
            String phase, int count) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = phase + "-" + i;
            values.add(value);
            futures.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), "entity-" + i,
                    value)));
        }
        for (Future<RecordMetadata> future : futures) {
            future.get(CLIENT_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        }
        return values;
    }

    private static List<ConsumerRecord<String, String>> readAllAsAdmin(TopicPartition partition, int expected,
            Duration timeout) {
        Map<String, Object> config = new HashMap<>(cluster.clientProperties(StationAcls.ADMIN));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).records(partition).forEach(records::add);
            }
            // Anything beyond what was expected would be a duplicate: read a little longer to see it.
            if (records.size() >= expected) {
                records.addAll(consumer.poll(Duration.ofSeconds(1)).records(partition));
            }
        }
        return records;
    }

    private static long endOffset(String topic, int partition) throws Exception {
        try (Admin admin = Admin.create(new HashMap<>(cluster.clientProperties(StationAcls.ADMIN)))) {
            TopicPartition tp = new TopicPartition(topic, partition);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(tp).offset();
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, String> clientProperties) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static List<String> consume(Map<String, String> clientProperties, String group, String topic,
            int expected) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> consumed : consumer.poll(Duration.ofMillis(200))) {
                    values.add(consumed.value());
                }
            }
            consumer.commitSync(Duration.ofSeconds(30));
        }
        return values;
    }
}
