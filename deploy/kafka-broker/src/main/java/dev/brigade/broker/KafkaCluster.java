package dev.brigade.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * A secured Kafka cluster of 1 or 3 KRaft nodes (each a combined broker and controller) in child JVMs, for tests and
 * local runs. Clients connect with SASL_SSL and SCRAM-SHA-512 as one of {@link StationAcls#USERS}; what each user
 * may do is {@link StationAcls#TABLE}, applied after start by brigade-admin. Certificates, passwords and storage live
 * in the data dir and are reused by a later cluster on the same data dir.
 *
 * <pre>{@code
 * try (KafkaCluster cluster = KafkaCluster.builder().nodes(3).dataDir(dir).build().start()) {
 *     cluster.createTopics(List.of(new NewTopic("raw-events", Optional.of(3), Optional.empty())));
 *     Map<String, String> producer = cluster.clientProperties("brigade-producer");
 * }
 * }</pre>
 *
 * <p>Every node runs {@link ClusterNodeMain} with {@code --exit-on-stdin-close}: the nodes die with this JVM even when
 * it is killed.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaCluster.class.getName());
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final int nodeCount;
    private final String host;
    private final int basePort;
    private final Path dataDir;
    private final Map<String, String> requestedPasswords;
    private final String maxHeap;
    private final List<String> extraJvmOptions;
    private final Duration startTimeout;
    private final Duration stopTimeout;

    /** Node id to node, in id order; filled by {@link #start()}. */
    private final Map<Integer, Node> nodes = new LinkedHashMap<>();
    private ClusterSecrets secrets;
    private ClusterCertificates.Stores stores;
    private String clusterId;
    private ClusterAdmin admin;

    /** One node: its settings (ports fixed for the cluster's life) and its JVM while it runs. */
    private static final class Node {
        final ClusterNodeSettings settings;
        ChildJvm jvm;

        Node(ClusterNodeSettings settings) {
            this.settings = settings;
        }
    }

    private KafkaCluster(Builder builder) {
        this.nodeCount = builder.nodes;
        this.host = builder.host;
        this.basePort = builder.port;
        this.dataDir = builder.dataDir.toAbsolutePath().normalize();
        this.requestedPasswords = Map.copyOf(builder.passwords);
        this.maxHeap = builder.maxHeap;
        this.extraJvmOptions = List.copyOf(builder.extraJvmOptions);
        this.startTimeout = builder.startTimeout;
        this.stopTimeout = builder.stopTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Generates what the data dir lacks (passwords, certificates, cluster id), starts every node, waits until all
     * report alive, and applies the ACL table.
     *
     * @throws IllegalStateException if a node exits or the cluster is not whole within the start timeout; the message
     *                               carries the tail of the failing node's log
     */
    public synchronized KafkaCluster start() {
        if (!nodes.isEmpty()) {
            throw new IllegalStateException("Kafka cluster already started on " + bootstrapServers());
        }
        try {
            Files.createDirectories(dataDir);
            secrets = ClusterSecrets.loadOrCreate(dataDir, requestedPasswords);
            clusterId = KafkaBrokerMain.readOrCreateClusterId(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + dataDir, e);
        }
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= nodeCount; id++) {
            ids.add(id);
        }
        stores = new ClusterCertificates(dataDir.resolve("tls"), secrets.storePassword(), advertisedHost()).ensure(ids);
        List<Integer> ports = resolvePorts();
        List<ClusterNodeSettings.Voter> voters = ids.stream()
                .map(id -> new ClusterNodeSettings.Voter(id, ports.get(nodeCount + id - 1))).toList();
        for (int id : ids) {
            nodes.put(id, new Node(new ClusterNodeSettings(id, host, ports.get(id - 1), ports.get(nodeCount + id - 1),
                    dataDir.resolve("node-" + id), voters, secrets, stores.keystores().get(id), stores.truststore())));
        }
        admin = new ClusterAdmin(adminProperties());
        try {
            nodes.values().forEach(this::launch);
            awaitLive(live -> live.containsAll(ids), "all " + nodeCount + " nodes");
            admin.syncAcls(StationAcls.bindings(), StationAcls.USERS.stream()
                    .filter(user -> !user.equals(StationAcls.ADMIN)).toList());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(() -> "Kafka cluster ready on " + bootstrapServers() + " (data: " + dataDir + ")");
        return this;
    }

    /** Starts a stopped or killed node again, on the same ports and data, and waits until the cluster has it back. */
    public synchronized void start(int nodeId) {
        requireOpen();
        Node node = node(nodeId);
        if (node.jvm != null && node.jvm.isAlive()) {
            throw new IllegalStateException("Node " + nodeId + " is running");
        }
        FreePorts.requireFree(host, node.settings.clientPort(), "Kafka client");
        FreePorts.requireFree(host, node.settings.controllerPort(), "Kafka controller");
        launch(node);
        awaitLive(live -> live.contains(nodeId), "node " + nodeId);
    }

    /** SIGKILL: the node gets no clean shutdown, as in a crash or an OOM kill. */
    public synchronized void kill(int nodeId) {
        Node node = node(nodeId);
        if (node.jvm != null) {
            LOG.info(() -> "Killing Kafka node " + nodeId + " (pid " + node.jvm.handle().pid() + ")");
            node.jvm.kill();
            node.jvm = null;
        }
    }

    /** SIGTERM: a controlled shutdown (leadership moves away first), then SIGKILL after the stop timeout. */
    public synchronized void stop(int nodeId) {
        Node node = node(nodeId);
        if (node.jvm != null) {
            node.jvm.terminate(stopTimeout);
            node.jvm = null;
        }
    }

    /** Comma-separated host:port of every node's SASL_SSL listener, stopped nodes included. */
    public synchronized String bootstrapServers() {
        requireStarted();
        return nodes.values().stream().map(n -> n.settings.bootstrapServer()).collect(Collectors.joining(","));
    }

    /** host:port of every node's controller listener (SASL_SSL, the internal PLAIN login only). */
    synchronized String controllerBootstrapServers() {
        requireStarted();
        return nodes.values().stream().map(n -> n.settings.advertisedHost() + ":" + n.settings.controllerPort())
                .collect(Collectors.joining(","));
    }

    /** The internal login of the controller listener, for tests that check it is the only one let in. */
    synchronized String controllerPassword() {
        requireStarted();
        return secrets.controllerPassword();
    }

    /**
     * What a Kafka client needs to connect as {@code user}: bootstrap.servers, security.protocol, sasl.mechanism,
     * sasl.jaas.config and the ssl.truststore settings (host names are verified: the certificates name them).
     */
    public synchronized Map<String, String> clientProperties(String user) {
        requireStarted();
        Map<String, String> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        props.put(SaslConfigs.SASL_MECHANISM, ClusterNodeSettings.SCRAM_MECHANISM);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, ClusterNodeSettings.scramJaas(user, secrets.password(user)));
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, stores.truststore().toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, secrets.storePassword());
        return props;
    }

    /** The SCRAM password of a user of {@link StationAcls#USERS}. */
    public synchronized String password(String user) {
        requireStarted();
        return secrets.password(user);
    }

    /** The PKCS12 truststore holding the cluster's CA certificate. */
    public synchronized Path truststore() {
        requireStarted();
        return stores.truststore();
    }

    public synchronized String truststorePassword() {
        requireStarted();
        return secrets.storePassword();
    }

    /** Where the passwords of every user are kept (mode 600). */
    public Path credentialsFile() {
        return dataDir.resolve(ClusterSecrets.FILE_NAME);
    }

    public synchronized List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** The node leading a partition now. */
    public synchronized int leaderOf(String topic, int partition) {
        requireOpen();
        return admin.leaderOf(topic, partition);
    }

    /**
     * Creates, as brigade-admin, the topics that do not exist yet: replication factor 3 and min.insync.replicas 2 on
     * three nodes (1 and 1 on one node), whatever the NewTopic says about replicas; its partition count and configs
     * are kept. Existing topics are left alone, so a second call is harmless.
     */
    public synchronized void createTopics(Collection<NewTopic> topics) {
        requireOpen();
        admin.createTopics(topics, (short) replicationFactor(), minInSyncReplicas());
    }

    public int replicationFactor() {
        return Math.min(3, nodeCount);
    }

    public int minInSyncReplicas() {
        return replicationFactor() >= 3 ? 2 : 1;
    }

    public synchronized boolean isRunning(int nodeId) {
        Node node = node(nodeId);
        return node.jvm != null && node.jvm.isAlive();
    }

    public synchronized Optional<ProcessHandle> processHandle(int nodeId) {
        Node node = node(nodeId);
        return Optional.ofNullable(node.jvm).map(ChildJvm::handle);
    }

    public Path logFile(int nodeId) {
        return dataDir.resolve("node-" + nodeId).resolve("node.log");
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops every node at once (one by one, the last would wait for a quorum that is gone). Idempotent. */
    @Override
    public synchronized void close() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (Node node : nodes.values()) {
            ChildJvm jvm = node.jvm;
            node.jvm = null;
            if (jvm != null) {
                stopping.add(CompletableFuture.runAsync(() -> jvm.terminate(stopTimeout)));
            }
        }
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    private void launch(Node node) {
        ClusterNodeSettings settings = node.settings;
        try {
            Files.createDirectories(settings.kafkaLogDir());
            // Mode 600: it holds the admin's and the controller login's passwords.
            PrivateFiles.write(settings.serverPropertiesFile(),
                    KafkaBrokerMain.serverPropertiesText(settings.toServerProperties()), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the configuration of node " + settings.nodeId(), e);
        }
        LOG.info(() -> "Starting Kafka node " + settings.nodeId() + " on " + settings.bootstrapServer()
                + " (controller port " + settings.controllerPort() + "), log: " + logFile(settings.nodeId()));
        node.jvm = ChildJvm.launch(maxHeap, extraJvmOptions, ClusterNodeMain.class,
                List.of("--config", settings.serverPropertiesFile().toString(), "--cluster-id", clusterId,
                        "--credentials", credentialsFile().toString(), "--exit-on-stdin-close"),
                settings.nodeDir(), logFile(settings.nodeId()));
    }

    /** Polls the cluster as brigade-admin until {@code done} holds for the live brokers, failing early on a dead node. */
    private void awaitLive(Predicate<Set<Integer>> done, String what) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            for (Node node : nodes.values()) {
                if (node.jvm != null && !node.jvm.isAlive()) {
                    throw new IllegalStateException("Kafka node " + node.settings.nodeId() + " exited with code "
                            + node.jvm.exitValue() + " while starting; log " + node.jvm.logFile() + ":\n"
                            + node.jvm.logTail());
                }
            }
            try {
                Set<Integer> live = admin.liveBrokers(PROBE_TIMEOUT);
                if (done.test(live)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the Kafka cluster", e);
            } catch (Exception e) {
                LOG.log(Level.FINE, "Kafka cluster not answering yet", e);
            }
            if (System.nanoTime() > deadline) {
                String tails = nodes.values().stream().filter(n -> n.jvm != null)
                        .map(n -> "--- node " + n.settings.nodeId() + " (" + n.jvm.logFile() + "):\n" + n.jvm.logTail())
                        .collect(Collectors.joining("\n"));
                throw new IllegalStateException("Kafka cluster did not have " + what + " alive within " + startTimeout
                        + "\n" + tails);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties(StationAcls.ADMIN));
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "brigade-kafka-cluster");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "200");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return props;
    }

    /** Client ports first, then controller ports: fixed ones from the base port, or free ones. */
    private List<Integer> resolvePorts() {
        List<Integer> ports = new ArrayList<>();
        if (basePort == 0) {
            Set<Integer> taken = new HashSet<>();
            while (ports.size() < 2 * nodeCount) {
                int candidate = FreePorts.pick(host);
                if (taken.add(candidate)) {
                    ports.add(candidate);
                }
            }
            return ports;
        }
        for (int i = 0; i < 2 * nodeCount; i++) {
            int port = basePort + i;
            FreePorts.requireFree(host, port, i < nodeCount ? "Kafka client" : "Kafka controller");
            ports.add(port);
        }
        return ports;
    }

    private String advertisedHost() {
        return BrokerSettings.isWildcard(host) ? "127.0.0.1" : host;
    }

    private Node node(int nodeId) {
        Node node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("No node " + nodeId + "; nodes are " + nodes.keySet());
        }
        return node;
    }

    private void requireStarted() {
        if (nodes.isEmpty()) {
            throw new IllegalStateException("Kafka cluster not started");
        }
    }

    /** Started and not closed: the admin client is there. */
    private void requireOpen() {
        requireStarted();
        if (admin == null) {
            throw new IllegalStateException("Kafka cluster closed");
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka cluster", e);
        }
    }

    /** Settings for a {@link KafkaCluster}; only the data dir is required. */
    public static final class Builder {
        private int nodes = 1;
        private String host = "127.0.0.1";
        private int port;
        private Path dataDir;
        private Map<String, String> passwords = Map.of();
        // Three brokers, five stations and tests on two cores and a few GiB: small heaps.
        private String maxHeap = "384m";
        private final List<String> extraJvmOptions = new ArrayList<>();
        private Duration startTimeout = Duration.ofMinutes(3);
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** 1 (a secured development node) or 3 (survives the loss of one node). */
        public Builder nodes(int nodes) {
            if (nodes != 1 && nodes != 3) {
                throw new IllegalArgumentException("A cluster has 1 or 3 nodes, not " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * First port: node i (1..n) listens for clients on port + i - 1 and for controllers on port + n + i - 1.
         * 0 (the default) picks free ports.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            this.port = port;
            return this;
        }

        /** Certificates, passwords, cluster id and every node's storage; reusing it keeps all of them. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** SCRAM passwords of some users of {@link StationAcls#USERS}; the others are generated. */
        public Builder passwords(Map<String, String> passwords) {
            this.passwords = Map.copyOf(passwords);
            return this;
        }

        /** Each node's -Xmx, such as "384m" (the default). */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = Objects.requireNonNull(maxHeap, "maxHeap");
            return this;
        }

        public Builder jvmOption(String option) {
            this.extraJvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** How long SIGTERM may take before a node is killed. */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
            return this;
        }

        public KafkaCluster build() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required");
            }
            return new KafkaCluster(this);
        }
    }
}
