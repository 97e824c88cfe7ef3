package dev.brigade.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One Kafka broker per JVM, started on first use on free ports and stopped by a shutdown hook.
 *
 * <p>Its data lives under {@code target/} when the working directory has one (Surefire runs in the module
 * directory, so {@code mvn clean} removes it and the broker log stays there for post-mortems), else in a temporary
 * directory that is deleted on exit.
 */
public final class SharedKafkaBroker {

    /**
     * Published once the broker is up. Quarkus may load this class in more than one class loader per JVM; the system
     * property lets every copy find the broker the first one started instead of starting another.
     */
    public static final String BOOTSTRAP_SERVERS_PROPERTY = "brigade.kafka.shared.bootstrap-servers";

    private static final Logger LOG = Logger.getLogger(SharedKafkaBroker.class.getName());

    private static KafkaBroker broker;

    private SharedKafkaBroker() {
    }

    /** Starts the broker if this JVM has none yet and returns its host:port. */
    public static synchronized String bootstrapServers() {
        String published = System.getProperty(BOOTSTRAP_SERVERS_PROPERTY);
        if (published != null) {
            return published;
        }
        Path workDir = createWorkDir();
        boolean temporary = !workDir.startsWith(Path.of("target").toAbsolutePath());
        KafkaBroker started = KafkaBroker.builder()
                .dataDir(workDir.resolve("data"))
                .logFile(workDir.resolve("broker.log"))
                .build()
                .start();
        broker = started;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.stop();
            if (temporary) {
                deleteRecursively(workDir);
            }
        }, "shared-kafka-broker-stop"));
        System.setProperty(BOOTSTRAP_SERVERS_PROPERTY, started.bootstrapServers());
        return started.bootstrapServers();
    }

    /** The broker this class loader started, for tests that need its log file or process; null if none. */
    static synchronized KafkaBroker startedBroker() {
        return broker;
    }

    private static Path createWorkDir() {
        try {
            Path target = Path.of("target").toAbsolutePath();
            if (Files.isDirectory(target)) {
                return Files.createTempDirectory(target, "shared-kafka-broker-");
            }
            return Files.createTempDirectory("brigade-kafka-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for the shared Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(Level.FINE, "Could not delete " + dir, e);
        }
    }
}
