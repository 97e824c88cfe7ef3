package dev.brigade.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.broker.KafkaBroker;

/**
 * A real broker plus the services a test names, each in its own JVM on a free port, wired to each other by the
 * same environment variables run-local and docker-compose use. Everything lands under e2e/target/platform/<test>.
 */
public final class Platform implements AutoCloseable {

    public static final String FEATURE = "feature-service";
    public static final String TRAINING = "training-service";
    public static final String REGISTRY = "registry-service";
    public static final String SERVING = "serving-service";
    public static final String MONITOR = "monitor-service";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Path root;
    private final KafkaBroker broker;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    private Platform(String testName, List<String> names, Map<String, String> extraEnv) {
        this.root = repoRoot().resolve("e2e/target/platform/" + testName);
        deleteRecursively(root);
        // A loaded host (or a restart that reloads every partition) can take the broker well over a minute.
        this.broker = KafkaBroker.builder().dataDir(root.resolve("kafka")).logFile(root.resolve("kafka.log"))
                .startTimeout(Duration.ofMinutes(3)).build().start();
        Map<String, Integer> ports = new HashMap<>();
        for (String name : names) {
            ports.put(name, freePort());
        }
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        urlOf(ports, REGISTRY, url -> env.put("BRIGADE_REGISTRY_URL", url));
        urlOf(ports, FEATURE, url -> env.put("BRIGADE_FEATURES_URL", url));
        urlOf(ports, TRAINING, url -> env.put("BRIGADE_TRAINING_URL", url));
        urlOf(ports, SERVING, url -> env.put("BRIGADE_SERVING_URL", url));
        env.putAll(extraEnv);
        for (String name : names) {
            Path jar = repoRoot().resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
            services.put(name, new ServiceProcess(name, jar, ports.get(name), root.resolve("data").resolve(name),
                    env));
        }
    }

    /** Starts the broker and the named services, and waits until every one is ready. */
    public static Platform start(String testName, List<String> names, Map<String, String> extraEnv) {
        Platform platform = new Platform(testName, names, extraEnv);
        try {
            platform.services.values().forEach(ServiceProcess::start);
            platform.services.values().forEach(s -> s.awaitReady(START_TIMEOUT));
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException(name + " is not part of this platform");
        }
        return service;
    }

    public String url(String name) {
        return service(name).url();
    }

    public KafkaBroker broker() {
        return broker;
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        List<ServiceProcess> reversed = new ArrayList<>(services.values());
        java.util.Collections.reverse(reversed);
        reversed.forEach(ServiceProcess::stop);
        broker.close();
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
