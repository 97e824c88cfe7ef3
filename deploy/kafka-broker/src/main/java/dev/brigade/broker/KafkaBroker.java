package dev.brigade.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * A real Kafka broker in a child JVM, for tests and tools.
 *
 * <p>The child runs {@link KafkaBrokerMain} on the same class path as this JVM (or {@value #CLASSPATH_PROPERTY}),
 * which keeps Kafka's Scala and server libraries out of the caller's class loaders. It is started with
 * {@code --exit-on-stdin-close}, so it also dies when this JVM is killed without running shutdown hooks.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.builder().dataDir(dir).build().start()) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    /** Class path for the child JVM; defaults to this JVM's java.class.path. */
    public static final String CLASSPATH_PROPERTY = "brigade.kafka.classpath";

    private static final Logger LOG = Logger.getLogger(KafkaBroker.class.getName());
    private static final int UNRESOLVED_PORT = -1;

    private final String host;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final Path dataDir;
    private final Path logFile;
    private final String maxHeap;
    private final List<String> extraJvmOptions;
    private final boolean autoCreateTopics;
    private final Duration startTimeout;
    private final Duration stopTimeout;

    private ChildJvm jvm;
    private int port;
    private int controllerPort;

    private KafkaBroker(Builder builder) {
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.requestedControllerPort = builder.controllerPort;
        this.dataDir = builder.dataDir.toAbsolutePath().normalize();
        this.logFile = (builder.logFile != null ? builder.logFile : dataDir.resolve("broker.log")).toAbsolutePath();
        this.maxHeap = builder.maxHeap;
        this.extraJvmOptions = List.copyOf(builder.extraJvmOptions);
        this.autoCreateTopics = builder.autoCreateTopics;
        this.startTimeout = builder.startTimeout;
        this.stopTimeout = builder.stopTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Launches the child JVM and returns once the broker answers a describeCluster request. Called again after
     * {@link #stop()}, it starts the broker on the same ports and data dir (a broker outage and its recovery).
     *
     * @throws IllegalStateException if the broker exits or does not answer within the start timeout; the message
     *                               carries the tail of the broker log
     */
    public synchronized KafkaBroker start() {
        if (jvm != null) {
            throw new IllegalStateException("Kafka broker already started on " + bootstrapServers());
        }
        // Started again after stop(): keep the ports it had, so clients holding its bootstrap servers reconnect.
        boolean restart = port > 0;
        port = restart ? port : requestedPort == 0 ? FreePorts.pick(host) : requestedPort;
        if (restart) {
            FreePorts.requireFree(host, port, "Kafka client");
            FreePorts.requireFree(host, controllerPort, "Kafka controller");
        } else if (requestedControllerPort == UNRESOLVED_PORT) {
            controllerPort = requestedPort == 0 ? FreePorts.pickOtherThan(host, port) : port + 1;
        } else {
            controllerPort = requestedControllerPort == 0 ? FreePorts.pickOtherThan(host, port) : requestedControllerPort;
        }
        if (!restart && requestedPort != 0) {
            FreePorts.requireFree(host, port, "Kafka client");
        }
        if (!restart && requestedControllerPort != 0) {
            FreePorts.requireFree(host, controllerPort, "Kafka controller");
        }
        List<String> args = new ArrayList<>(List.of("--host", host, "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controllerPort), "--data-dir", dataDir.toString(),
                "--exit-on-stdin-close"));
        if (autoCreateTopics) {
            args.add("--auto-create-topics");
        }
        LOG.info(() -> "Starting Kafka broker on " + bootstrapServers() + ", log: " + logFile);
        jvm = ChildJvm.launch(maxHeap, extraJvmOptions, KafkaBrokerMain.class, args, dataDir, logFile);
        try {
            awaitReady();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        LOG.info(() -> "Kafka broker ready on " + bootstrapServers() + " (pid " + jvm.handle().pid() + ")");
        return this;
    }

    /** host:port for {@code bootstrap.servers}; valid once {@link #start()} returned. */
    public synchronized String bootstrapServers() {
        if (port <= 0) {
            throw new IllegalStateException("Kafka broker not started");
        }
        return advertisedHost() + ":" + port;
    }

    public synchronized int port() {
        return port;
    }

    public synchronized int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The child process, while started; lets callers check that it is really gone after {@link #stop()}. */
    public synchronized Optional<ProcessHandle> processHandle() {
        return Optional.ofNullable(jvm).map(ChildJvm::handle);
    }

    public synchronized boolean isRunning() {
        return jvm != null && jvm.isAlive();
    }

    /** SIGTERM for a clean shutdown, then SIGKILL if the broker is still there after the stop timeout. Idempotent. */
    public synchronized void stop() {
        if (jvm == null) {
            return;
        }
        ChildJvm stopping = jvm;
        jvm = null;
        stopping.terminate(stopTimeout);
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Admin admin = null;
        try {
            while (true) {
                if (!jvm.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with code " + jvm.exitValue()
                            + " while starting; log " + logFile + ":\n" + jvm.logTail());
                }
                if (admin == null && acceptsConnections()) {
                    admin = Admin.create(Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                            AdminClientConfig.CLIENT_ID_CONFIG, "brigade-kafka-broker-readiness",
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000",
                            AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100"));
                }
                if (admin != null && hasNodes(admin)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker did not answer within " + startTimeout
                            + "; log " + logFile + ":\n" + jvm.logTail());
                }
                sleep(Duration.ofMillis(100));
            }
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(advertisedHost(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasNodes(Admin admin) {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
            return !nodes.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        } catch (Exception e) {
            LOG.log(Level.FINE, "Kafka broker not answering yet", e);
            return false;
        }
    }

    private String advertisedHost() {
        return BrokerSettings.isWildcard(host) ? "127.0.0.1" : host;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }

    /** Settings for a {@link KafkaBroker}; only the data dir is required. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int controllerPort = UNRESOLVED_PORT;
        private Path dataDir;
        private Path logFile;
        private String maxHeap = "512m";
        private final List<String> extraJvmOptions = new ArrayList<>();
        private boolean autoCreateTopics;
        // Generous: a loaded 2-core CI host has taken over a minute to bring a fresh KRaft broker up.
        private Duration startTimeout = Duration.ofMinutes(3);
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Client port; 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** KRaft controller port; 0 picks a free port. Default: a free port, or port + 1 when the port is fixed. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /** Where server.properties, the cluster id and Kafka's storage live; reusing it keeps topics. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Receives the child's stdout and stderr (appended); default: broker.log in the data dir. */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        /** The child's -Xmx value, such as "512m" (the default). */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = Objects.requireNonNull(maxHeap, "maxHeap");
            return this;
        }

        public Builder jvmOption(String option) {
            this.extraJvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** How long SIGTERM may take before the broker is killed. */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
            return this;
        }

        public KafkaBroker build() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required");
            }
            return new KafkaBroker(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            return port;
        }
    }
}
