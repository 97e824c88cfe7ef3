package dev.brigade.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real broker in a child JVM; each test pays one or two broker starts of a few seconds. */
class KafkaBrokerTest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void brokerOnAFreePortCarriesARecordFromAnIdempotentProducerToAConsumerAndStopsItsChildJvm() throws Exception {
        // Given a broker started on free ports in a child JVM
        KafkaBroker broker = KafkaBroker.builder().dataDir(dataDir).build().start();
        ProcessHandle child = broker.processHandle().orElseThrow();
        List<String> received;
        try {
            // When a topic is created, a record is sent with acks=all and idempotence, and read back by a group
            createTopic(broker.bootstrapServers(), "brigade.test.smoke");
            RecordMetadata sent = send(broker.bootstrapServers(), "brigade.test.smoke", "model-1", "trained");
            received = consumeValues(broker.bootstrapServers(), "brigade.test.smoke", 1);

            // Then the record made the round trip
            assertThat(sent.offset()).isZero();
            assertThat(received).containsExactly("trained");
            assertThat(child.isAlive()).isTrue();
        } finally {
            // When the broker is stopped
            broker.stop();
        }

        // Then its JVM is gone and it did not need to be killed
        assertThat(child.isAlive()).isFalse();
        assertThat(Files.readString(broker.logFile())).contains("Kafka broker stopped");
    }

    @Test
    void restartOnTheSameDataDirKeepsTheClusterIdAndTheTopics() throws Exception {
        // Given a broker that created a topic and was stopped
        String firstClusterId;
        Path sharedLogFile;
        try (KafkaBroker first = KafkaBroker.builder().dataDir(dataDir).build().start()) {
            createTopic(first.bootstrapServers(), "brigade.test.kept");
            firstClusterId = clusterId(first.bootstrapServers());
            sharedLogFile = first.logFile();
        }

        // When a new broker starts on the same data dir (on other free ports)
        try (KafkaBroker second = KafkaBroker.builder().dataDir(dataDir).build().start()) {

            // Then it is the same cluster, storage was not formatted again, and the topic is still there
            assertThat(clusterId(second.bootstrapServers())).isEqualTo(firstClusterId);
            assertThat(Files.readString(dataDir.resolve(KafkaBrokerMain.CLUSTER_ID_FILE)).trim())
                    .isEqualTo(firstClusterId);
            try (Admin admin = admin(second.bootstrapServers())) {
                assertThat(admin.listTopics().names().get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .contains("brigade.test.kept");
            }
        }
        // Both runs appended to the same log: only the first one formatted the storage.
        assertThat(Files.readString(sharedLogFile)).containsOnlyOnce("Formatting metadata directory");
    }

    @Test
    void startedAgainAfterStopItComesBackOnTheSamePortsWithItsTopics() throws Exception {
        // Given a broker on free ports that created a topic, then stopped (an outage)
        try (KafkaBroker broker = KafkaBroker.builder().dataDir(dataDir).build().start()) {
            String bootstrap = broker.bootstrapServers();
            int controllerPort = broker.controllerPort();
            createTopic(bootstrap, "brigade.test.outage");
            broker.stop();
            assertThat(broker.isRunning()).isFalse();

            // When the same broker is started again
            broker.start();

            // Then clients find it where it was, with its topic
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(broker.controllerPort()).isEqualTo(controllerPort);
            try (Admin admin = admin(bootstrap)) {
                assertThat(admin.listTopics().names().get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .contains("brigade.test.outage");
            }
        }
    }

    @Test
    void brokerStartedWithExitOnStdinCloseStopsWhenItsLauncherGoesAway() throws Exception {
        // Given KafkaBrokerMain running with --exit-on-stdin-close, as KafkaBroker starts it
        Path log = dataDir.resolve("main.log");
        Process process = new ProcessBuilder(javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), "--port", "0", "--data-dir", dataDir.resolve("kafka").toString(),
                "--exit-on-stdin-close")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            awaitLine(log, KafkaBrokerMain.READY_MESSAGE_PREFIX, process);

            // When its stdin reaches end of file, which is what a kill -9 of the launching JVM does
            process.getOutputStream().close();

            // Then it shuts down cleanly by itself
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("broker exited").isTrue();
            assertThat(Files.readString(log)).contains("Kafka broker stopped");
        } finally {
            process.destroyForcibly();
        }
    }

    private static void createTopic(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = admin(bootstrapServers)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                    .all().get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static String clusterId(String bootstrapServers) throws Exception {
        try (Admin admin = admin(bootstrapServers)) {
            return admin.describeCluster().clusterId().get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static RecordMetadata send(String bootstrapServers, String topic, String key, String value)
            throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value))
                    .get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeValues(String bootstrapServers, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "brigade-test-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
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
        }
        return values;
    }

    private static void awaitLine(Path log, String prefix, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(prefix)) {
                return;
            }
            assertThat(process.isAlive()).as("broker alive; log:%n%s", readQuietly(log)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("No '" + prefix + "' in " + log + ":\n" + readQuietly(log));
    }

    private static String readQuietly(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
