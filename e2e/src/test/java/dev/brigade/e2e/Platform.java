package dev.brigade.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;

import dev.brigade.broker.KafkaBroker;
import dev.brigade.broker.KafkaCluster;
import dev.brigade.broker.StationAcls;
import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicProvisioner;

/**
 * A real broker plus the services a test names, each in its own JVM on a free port, wired to each other by the
 * same environment variables run-local and docker-compose use. Everything lands under e2e/target/platform/<test>.
 * {@link #startSecured} runs them on a secured cluster of three brokers instead: each station logs in as its own
 * principal (SCRAM-SHA-512 over TLS) and may touch only what its ACLs allow, as in production.
 */
public final class Platform implements AutoCloseable {

    public static final String FEATURE = "feature-service";
    public static final String TRAINING = "training-service";
    public static final String REGISTRY = "registry-service";
    public static final String SERVING = "serving-service";
    public static final String MONITOR = "monitor-service";

    /** Monitor windows of 10 s (closed 2 s after they end): the fault suites see windows close within a minute. */
    public static final Map<String, String> SHORT_MONITOR_WINDOWS = Map.of(
            "BRIGADE_MONITOR_WINDOW", "10s",
            "BRIGADE_MONITOR_WINDOW_GRACE", "2s",
            "BRIGADE_MONITOR_WINDOW_QUIET", "2s",
            "BRIGADE_MONITOR_WINDOW_IDLE_CLOSE", "10s");

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Path root;
    private final KafkaBroker broker;
    private final KafkaCluster cluster;
    private final SigningKeys signing;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    /** With replicas: every instance of a station, the first one also in {@link #services}. */
    private final Map<String, List<ServiceProcess>> instances = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, ServiceFront> fronts = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> stationEnv = new HashMap<>();

    private Platform(String testName, List<String> names, Map<String, String> extraEnv, boolean secured) {
        this(testName, names, extraEnv, secured, 1);
    }

    private Platform(String testName, List<String> names, Map<String, String> extraEnv, boolean secured,
            int replicas) {
        this.root = repoRoot().resolve("e2e/target/platform/" + testName);
        deleteRecursively(root);
        if (secured) {
            this.broker = null;
            this.cluster = KafkaCluster.builder().nodes(3).dataDir(root.resolve("kafka"))
                    .startTimeout(Duration.ofMinutes(4)).build().start();
            provisionTopics();
        } else {
            // A loaded host (or a restart that reloads every partition) can take the broker well over a minute.
            this.broker = KafkaBroker.builder().dataDir(root.resolve("kafka")).logFile(root.resolve("kafka.log"))
                    .startTimeout(Duration.ofMinutes(3)).build().start();
            this.cluster = null;
        }
        this.signing = SigningKeys.create(root.resolve("signing"), "registry");
        Map<String, Integer> ports = new HashMap<>();
        for (String name : names) {
            ports.put(name, freePort());
        }
        if (replicas > 1) {
            // Each station is reached through its front (a Service), never through one instance.
            for (String name : names) {
                ServiceFront front = new ServiceFront(name, () -> instances.getOrDefault(name, List.of()).stream()
                        .map(ServiceProcess::url).toList());
                fronts.put(name, front);
                ports.put(name, URI.create(front.url()).getPort());
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        env.put("BRIGADE_LOCAL_RUN", "true"); // the *-local passwords of the test users are fine here
        env.putAll(signing.env());
        urlOf(ports, REGISTRY, url -> env.put("BRIGADE_REGISTRY_URL", url));
        urlOf(ports, FEATURE, url -> env.put("BRIGADE_FEATURES_URL", url));
        urlOf(ports, TRAINING, url -> env.put("BRIGADE_TRAINING_URL", url));
        urlOf(ports, SERVING, url -> env.put("BRIGADE_SERVING_URL", url));
        env.putAll(extraEnv);
        for (String name : names) {
            Path jar = repoRoot().resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
            Map<String, String> stationEnv = new HashMap<>(env);
            if (secured) {
                stationEnv.putAll(stationLogin(name));
            }
            this.stationEnv.put(name, Map.copyOf(stationEnv));
            if (replicas == 1) {
                services.put(name, new ServiceProcess(name, jar, ports.get(name), root.resolve("data").resolve(name),
                        stationEnv));
                continue;
            }
            List<ServiceProcess> replicated = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                String suffix = String.valueOf((char) ('a' + r));
                Map<String, String> instanceEnv = new HashMap<>(stationEnv);
                instanceEnv.put("BRIGADE_ADVERTISED_HOST", "127.0.0.1");
                if (name.equals(REGISTRY)) {
                    // the registry's instances share one artifact volume, as its two pods mount one claim
                    instanceEnv.put("BRIGADE_ARTIFACT_DIR", root.resolve("data").resolve(name + "-shared/artifacts")
                            .toString());
                }
                replicated.add(new ServiceProcess(name, jar, freePort(),
                        root.resolve("data").resolve(name + "-" + suffix), instanceEnv));
            }
            instances.put(name, replicated);
            services.put(name, replicated.get(0));
        }
    }

    /** Starts the broker and the named services, and waits until every one is ready. */
    public static Platform start(String testName, List<String> names, Map<String, String> extraEnv) {
        return started(new Platform(testName, names, extraEnv, false));
    }

    /**
     * Starts a secured cluster of three brokers (SASL_SSL, SCRAM users, ACLs per station), creates the topic
     * catalogue on it as its admin (replication factor 3, min.insync.replicas 2), and starts the named services,
     * each logged in as its own principal.
     */
    public static Platform startSecured(String testName, List<String> names, Map<String, String> extraEnv) {
        return started(new Platform(testName, names, extraEnv, true));
    }

    /**
     * Starts the broker and {@code replicas} instances of each named station, each station behind its own
     * {@link ServiceFront} (what a Kubernetes Service is to its pods): the stations reach each other, and
     * {@link #url} reaches a station, through the fronts only.
     */
    public static Platform startReplicated(String testName, List<String> names, int replicas,
            Map<String, String> extraEnv) {
        if (replicas < 2) {
            throw new IllegalArgumentException("replicas must be at least 2, not " + replicas);
        }
        return started(new Platform(testName, names, extraEnv, false, replicas));
    }

    private static Platform started(Platform platform) {
        try {
            platform.all().forEach(ServiceProcess::start);
            platform.all().forEach(s -> s.awaitReady(START_TIMEOUT));
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return cluster != null ? cluster.bootstrapServers() : broker.bootstrapServers();
    }

    /** A client's connection properties: on the secured cluster, logged in as this principal. */
    public Map<String, Object> kafka(String principal) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers());
        if (cluster != null) {
            props.putAll(cluster.clientProperties(principal));
        }
        return props;
    }

    /** The secured cluster; fails on a platform started with one plain broker. */
    public KafkaCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("this platform runs on one plain broker");
        }
        return cluster;
    }

    public SigningKeys signing() {
        return signing;
    }

    /** How a station logs in to the secured cluster: the variables deploy/README.md documents. */
    private Map<String, String> stationLogin(String principal) {
        return Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME", principal,
                "KAFKA_SASL_PASSWORD", cluster.password(principal),
                "KAFKA_SSL_TRUSTSTORE_LOCATION", cluster.truststore().toString(),
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", cluster.truststorePassword(),
                // the admin made the topics; a station may not create them
                "BRIGADE_TOPICS_ENSURE", "false",
                "BRIGADE_TOPICS_REPLICATION_FACTOR", "3");
    }

    private void provisionTopics() {
        try (Admin admin = Admin.create(kafka(StationAcls.ADMIN))) {
            new TopicProvisioner(admin, (short) 3, Duration.ofMinutes(1)).ensure(TopicCatalog.all());
        }
    }

    public ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException(name + " is not part of this platform");
        }
        return service;
    }

    /**
     * One more instance of a station, not started, configured as the platform's own with these settings replaced
     * (its own port, data dir and log, name-&lt;suffix&gt;.log). The caller starts and stops it.
     */
    public ServiceProcess anotherInstance(String name, String suffix, Map<String, String> replaced) {
        Map<String, String> env = new HashMap<>(stationEnv.get(name));
        env.putAll(replaced);
        Path jar = repoRoot().resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        return new ServiceProcess(name, jar, freePort(), root.resolve("data").resolve(name + "-" + suffix), env);
    }

    /** Where a station is reached: its front when replicated, else its one instance. */
    public String url(String name) {
        ServiceFront front = fronts.get(name);
        return front != null ? front.url() : service(name).url();
    }

    /** Every instance of a station (one unless the platform was started replicated). */
    public List<ServiceProcess> instances(String name) {
        List<ServiceProcess> replicated = instances.get(name);
        return replicated != null ? replicated : List.of(service(name));
    }

    /** The front of a replicated station. */
    ServiceFront front(String name) {
        ServiceFront front = fronts.get(name);
        if (front == null) {
            throw new IllegalArgumentException(name + " has no front: the platform was not started replicated");
        }
        return front;
    }

    private List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>();
        services.keySet().forEach(name -> all.addAll(instances(name)));
        return all;
    }

    /** The plain broker; fails on a platform started on the secured cluster. */
    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("this platform runs on the secured cluster");
        }
        return broker;
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        List<ServiceProcess> reversed = all();
        java.util.Collections.reverse(reversed);
        reversed.forEach(ServiceProcess::stop);
        fronts.values().forEach(ServiceFront::close);
        if (cluster != null) {
            cluster.close();
        } else {
            broker.close();
        }
    }

    static Path repoRoot() {
        String configured = System.getProperty("brigade.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("events")) && Files.isDirectory(p.resolve("e2e"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + start);
    }

    private static void urlOf(Map<String, Integer> ports, String name, java.util.function.Consumer<String> use) {
        Integer port = ports.get(name);
        if (port != null) {
            use.accept("http://127.0.0.1:" + port);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
