package dev.brigade.broker;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * One node of a secured cluster and the Kafka server properties that follow: a combined broker and KRaft controller
 * with a SASL_SSL client listener (SCRAM-SHA-512, also used between brokers as brigade-admin) and a SASL_SSL
 * controller listener that accepts only the internal PLAIN login declared in its own JAAS settings (KRaft controllers
 * cannot check SCRAM there: SCRAM credentials live in the metadata log the controllers serve).
 *
 * @param voters every node of the cluster, this one included: the static controller quorum
 */
record ClusterNodeSettings(int nodeId, String host, int clientPort, int controllerPort, Path nodeDir,
        List<ClusterNodeSettings.Voter> voters, ClusterSecrets secrets, Path keystore, Path truststore) {

    static final String CLIENT_LISTENER = "CLIENT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    static final String SERVER_PROPERTIES_FILE = "server.properties";

    /** A controller of the quorum. */
    record Voter(int nodeId, int controllerPort) {
    }

    ClusterNodeSettings {
        Objects.requireNonNull(host, "host");
        voters = List.copyOf(voters);
    }

    Path kafkaLogDir() {
        return nodeDir.resolve(BrokerSettings.KAFKA_LOG_DIR_NAME);
    }

    Path serverPropertiesFile() {
        return nodeDir.resolve(SERVER_PROPERTIES_FILE);
    }

    String advertisedHost() {
        return BrokerSettings.isWildcard(host) ? "127.0.0.1" : host;
    }

    String bootstrapServer() {
        return advertisedHost() + ":" + clientPort;
    }

    Properties toServerProperties() {
        int clusterSize = voters.size();
        // Three nodes survive one loss with acks=all; one node is a development cluster with nothing to spare.
        int replicationFactor = Math.min(3, clusterSize);
        int minInSyncReplicas = replicationFactor >= 3 ? 2 : 1;

        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", String.valueOf(nodeId));
        // A static quorum: formatting needs no --initial-controllers, and ports may change between full restarts.
        props.setProperty("controller.quorum.voters", voters.stream()
                .map(v -> v.nodeId() + "@" + advertisedHost() + ":" + v.controllerPort())
                .collect(Collectors.joining(",")));
        props.setProperty("listeners", CLIENT_LISTENER + "://" + host + ":" + clientPort + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.setProperty("advertised.listeners", CLIENT_LISTENER + "://" + bootstrapServer());
        props.setProperty("listener.security.protocol.map",
                CLIENT_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SASL_SSL");
        props.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        props.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
        props.setProperty("log.dirs", kafkaLogDir().toString());

        // Authentication: SCRAM for clients and between brokers (as the admin), PLAIN on the controller listener.
        String client = "listener.name." + CLIENT_LISTENER.toLowerCase() + ".";
        String controller = "listener.name." + CONTROLLER_LISTENER.toLowerCase() + ".";
        props.setProperty("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        props.setProperty(client + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
        props.setProperty("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
        props.setProperty(client + "scram-sha-512.sasl.jaas.config",
                scramJaas(StationAcls.ADMIN, secrets.password(StationAcls.ADMIN)));
        props.setProperty(controller + "sasl.enabled.mechanisms", "PLAIN");
        props.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
        // username/password: how this node logs in to the other controllers; user_<name>: whom it lets in.
        props.setProperty(controller + "plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + ClusterSecrets.CONTROLLER_USER + "\" password=\"" + secrets.controllerPassword() + "\" user_"
                        + ClusterSecrets.CONTROLLER_USER + "=\"" + secrets.controllerPassword() + "\";");

        // TLS on both listeners; the nodes verify each other's host names like any client.
        props.setProperty("ssl.keystore.type", "PKCS12");
        props.setProperty("ssl.keystore.location", keystore.toString());
        props.setProperty("ssl.keystore.password", secrets.storePassword());
        props.setProperty("ssl.key.password", secrets.storePassword());
        props.setProperty("ssl.truststore.type", "PKCS12");
        props.setProperty("ssl.truststore.location", truststore.toString());
        props.setProperty("ssl.truststore.password", secrets.storePassword());
        props.setProperty("ssl.endpoint.identification.algorithm", "https");
        props.setProperty("ssl.client.auth", "none");

        // Authorization: nothing without an ACL; the admin and the nodes' controller login are super users.
        props.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.setProperty("allow.everyone.if.no.acl.found", "false");
        props.setProperty("super.users", "User:" + StationAcls.ADMIN + ";User:" + ClusterSecrets.CONTROLLER_USER);

        // Durability: acks=all means every in-sync replica, and a write needs two of them on three nodes. A replica
        // that fell out of sync never becomes leader: losing acknowledged records is worse than waiting.
        props.setProperty("default.replication.factor", String.valueOf(replicationFactor));
        props.setProperty("min.insync.replicas", String.valueOf(minInSyncReplicas));
        props.setProperty("offsets.topic.replication.factor", String.valueOf(replicationFactor));
        props.setProperty("transaction.state.log.replication.factor", String.valueOf(replicationFactor));
        props.setProperty("transaction.state.log.min.isr", String.valueOf(minInSyncReplicas));
        props.setProperty("share.coordinator.state.topic.replication.factor", String.valueOf(replicationFactor));
        props.setProperty("share.coordinator.state.topic.min.isr", String.valueOf(minInSyncReplicas));
        props.setProperty("unclean.leader.election.enable", "false");
        props.setProperty("offsets.topic.num.partitions", "5");
        props.setProperty("transaction.state.log.num.partitions", "5");
        props.setProperty("share.coordinator.state.topic.num.partitions", "5");
        props.setProperty("num.partitions", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // Topics come from the catalogue, created by the admin: a typo in a topic name must fail.
        props.setProperty("auto.create.topics.enable", "false");

        // Three nodes, five stations and the tests share two cores: few threads, small buffers.
        props.setProperty("num.network.threads", "2");
        props.setProperty("num.io.threads", "2");
        props.setProperty("num.replica.fetchers", "1");
        props.setProperty("background.threads", "2");
        props.setProperty("num.recovery.threads.per.data.dir", "1");
        props.setProperty("log.cleaner.threads", "1");
        props.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return props;
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }
}
