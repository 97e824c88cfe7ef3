package dev.brigade.broker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/**
 * What a single-node development broker needs to know, and the Kafka server properties that follow from it.
 * Shared by {@link KafkaBrokerMain} (which writes them to server.properties) and its tests.
 */
record BrokerSettings(String host, int port, int controllerPort, Path dataDir, boolean autoCreateTopics) {

    /** Kafka's own storage (meta.properties, topic partitions, the KRaft metadata log) lives here, under the data dir. */
    static final String KAFKA_LOG_DIR_NAME = "kraft-combined-logs";
    static final int NODE_ID = 1;

    BrokerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        if (port <= 0 || controllerPort <= 0) {
            throw new IllegalArgumentException("ports must be resolved before building broker settings");
        }
        if (port == controllerPort) {
            throw new IllegalArgumentException("the broker port and the controller port must differ: " + port);
        }
    }

    Path kafkaLogDir() {
        return dataDir.resolve(KAFKA_LOG_DIR_NAME);
    }

    /** The host clients are told to connect to: a wildcard bind address is not something a client can dial. */
    String advertisedHost() {
        return isWildcard(host) ? "127.0.0.1" : host;
    }

    String bootstrapServers() {
        return advertisedHost() + ":" + port;
    }

    Properties toServerProperties() {
        Properties props = new Properties();
        // Combined mode: one JVM is both the KRaft controller and the broker, with a static single-voter quorum,
        // so formatting needs no --standalone/--initial-controllers and ports may change between restarts.
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", String.valueOf(NODE_ID));
        props.setProperty("controller.quorum.voters", NODE_ID + "@" + advertisedHost() + ":" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://" + advertisedHost() + ":" + port);
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("log.dirs", kafkaLogDir().toString());

        // One broker: every internal topic must fit on it, or consumer groups, transactions (Kafka Streams
        // exactly_once_v2) and share groups never get their coordinator.
        props.setProperty("default.replication.factor", "1");
        props.setProperty("min.insync.replicas", "1");
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the production default of 50: faster first group join, fewer files.
        props.setProperty("offsets.topic.num.partitions", "5");
        props.setProperty("transaction.state.log.num.partitions", "5");
        props.setProperty("share.coordinator.state.topic.num.partitions", "5");
        props.setProperty("num.partitions", "1");

        // Tests and local runs should not wait 3 s for the first consumer group to form.
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // The platform creates its topics from the catalogue; a typo in a topic name must fail, not create a topic.
        props.setProperty("auto.create.topics.enable", String.valueOf(autoCreateTopics));

        // Modest footprint for a 2-core dev machine: fewer threads and a smaller log-cleaner buffer (default 128 MiB).
        props.setProperty("num.network.threads", "2");
        props.setProperty("num.io.threads", "2");
        props.setProperty("background.threads", "2");
        props.setProperty("num.recovery.threads.per.data.dir", "1");
        props.setProperty("log.cleaner.threads", "1");
        props.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return props;
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }
}
