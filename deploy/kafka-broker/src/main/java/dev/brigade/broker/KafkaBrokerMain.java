package dev.brigade.broker;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import kafka.server.Server;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;

/**
 * Runs one Kafka 4 broker in KRaft combined mode (broker and controller in this JVM) for local runs and tests.
 *
 * <p>The data dir holds the generated server.properties, a stable cluster id and Kafka's storage, so a restart on
 * the same data dir keeps topics and offsets. Storage is formatted only the first time.
 */
public final class KafkaBrokerMain {

    /** Printed once the broker serves clients; launchers wait for this prefix. */
    public static final String READY_MESSAGE_PREFIX = "Kafka broker ready on ";

    static final String SERVER_PROPERTIES_FILE = "server.properties";
    static final String CLUSTER_ID_FILE = "cluster.id";

    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;

    private static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -cp 'brigade-kafka-broker.jar:lib/*' " + KafkaBrokerMain.class.getName() + " [options]",
            "  --host HOST              address to listen on (default 127.0.0.1)",
            "  --port PORT              client port, 0 = any free port (default 9092)",
            "  --controller-port PORT   KRaft controller port (default: port + 1)",
            "  --data-dir DIR           server.properties, cluster id and Kafka storage (default ./.run/kafka)",
            "  --auto-create-topics     let clients create topics implicitly (default: off)",
            "  --exit-on-stdin-close    stop when standard input reaches end of file (for child processes)",
            "  --help                   print this help");

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help) {
            System.out.println(USAGE);
            return;
        }
        BrokerLogging.install();
        try {
            run(options);
        } catch (FreePorts.PortInUseException e) {
            System.err.println("Kafka broker not started: " + e.getMessage());
            System.exit(EXIT_FAILURE);
        } catch (Exception e) {
            System.err.println("Kafka broker failed: " + e);
            e.printStackTrace();
            System.exit(EXIT_FAILURE);
        }
        // Kafka may leave non-daemon threads behind after shutdown; the broker is done, so leave for sure.
        System.exit(0);
    }

    private static void run(Options options) throws IOException {
        Logger log = Logger.getLogger(KafkaBrokerMain.class.getName());
        BrokerSettings settings = options.resolve();
        Files.createDirectories(settings.kafkaLogDir());

        Properties serverProperties = settings.toServerProperties();
        writeServerProperties(settings.dataDir().resolve(SERVER_PROPERTIES_FILE), serverProperties);
        String clusterId = readOrCreateClusterId(settings.dataDir());
        if (!isFormatted(settings)) {
            formatStorage(settings.dataDir().resolve(SERVER_PROPERTIES_FILE), clusterId);
        }

        Server server = newRaftServer(serverProperties);
        AtomicBoolean shutdownStarted = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (shutdownStarted.compareAndSet(false, true)) {
                // Printed rather than logged: JUL's own shutdown hook may already have closed the log handlers.
                System.out.println("Stopping Kafka broker");
                try {
                    server.shutdown();
                    server.awaitShutdown();
                    System.out.println("Kafka broker stopped");
                } catch (RuntimeException e) {
                    System.err.println("Kafka broker did not stop cleanly: " + e);
                    e.printStackTrace();
                }
                System.out.flush();
            }
        };
        // SIGTERM and Ctrl-C run shutdown hooks, which is where the broker closes its logs cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "kafka-broker-shutdown"));
        if (options.exitOnStdinClose) {
            watchStdinForEof(log);
        }

        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdown.run();
            throw e;
        }
        System.out.println(READY_MESSAGE_PREFIX + settings.bootstrapServers()
                + " (controller port " + settings.controllerPort() + ", data: " + settings.dataDir() + ")");
        System.out.flush();
        server.awaitShutdown();
    }

    /**
     * What kafka.Kafka's main does, minus its System.exit calls, so that this class prints the ready line and owns
     * the shutdown. Reflection because KafkaConfig's supertypes live in Kafka's runtime-scoped server modules, which
     * are not on the compile class path (and pinning them would repeat the Kafka version quarkus-bom already manages).
     */
    private static Server newRaftServer(Properties serverProperties) {
        try {
            Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
            Object config = configClass.getMethod("fromProps", Properties.class, boolean.class)
                    .invoke(null, serverProperties, false);
            return (Server) Class.forName("kafka.server.KafkaRaftServer")
                    .getConstructor(configClass, Time.class)
                    .newInstance(config, Time.SYSTEM);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtimeException) {
                throw runtimeException; // e.g. a ConfigException naming the bad setting
            }
            throw new IllegalStateException("Could not create the Kafka server", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Kafka " + AppInfoParser.getVersion()
                    + " does not have the KafkaConfig/KafkaRaftServer API this launcher expects", e);
        }
    }

    /** Sorted and without Properties.store's timestamp, so two starts with equal settings write equal files. */
    static void writeServerProperties(Path file, Properties properties) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("# Written by ").append(KafkaBrokerMain.class.getName())
                .append(" on every start: edits here are lost, change the launcher options instead.\n");
        new TreeMap<>(properties).forEach((key, value) ->
                text.append(key).append('=').append(escapePropertyValue(value.toString())).append('\n'));
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    }

    /** Properties files are ISO-8859-1 with backslash escapes; a data dir path may contain anything. */
    private static String escapePropertyValue(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\') {
                escaped.append("\\\\");
            } else if (c < 0x20 || c > 0x7e) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** The cluster id must survive restarts: Kafka refuses storage formatted for another cluster. */
    static String readOrCreateClusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        String clusterId = Uuid.randomUuid().toString();
        Files.writeString(file, clusterId + System.lineSeparator(), StandardCharsets.UTF_8);
        return clusterId;
    }

    static boolean isFormatted(BrokerSettings settings) {
        return Files.exists(settings.kafkaLogDir().resolve("meta.properties"));
    }

    private static void formatStorage(Path serverPropertiesFile, String clusterId) {
        String[] formatArgs = {"format", "--cluster-id", clusterId, "--config", serverPropertiesFile.toString()};
        int exitCode = StorageTool.execute(formatArgs, System.out);
        if (exitCode != 0) {
            throw new IllegalStateException("kafka-storage format failed with exit code " + exitCode);
        }
    }

    /**
     * A launcher that dies, even by kill -9, closes its end of our stdin pipe: reaching EOF means nobody is left to
     * stop us, so we stop ourselves instead of living on as an orphan holding ports.
     */
    private static void watchStdinForEof(Logger log) {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // Input is meaningless to the broker; only its end matters.
                }
            } catch (IOException e) {
                log.log(Level.WARNING, "Reading stdin failed; treating it as closed", e);
            }
            log.info("Standard input closed: the launching process is gone, stopping the broker");
            System.exit(0);
        }, "kafka-broker-stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Command-line options, parsed without a library so the launcher needs nothing beyond Kafka itself. */
    static final class Options {
        String host = "127.0.0.1";
        int port = 9092;
        Integer controllerPort;
        Path dataDir = Path.of(".run", "kafka");
        boolean autoCreateTopics;
        boolean exitOnStdinClose;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            List<String> queue = new ArrayList<>(List.of(args));
            while (!queue.isEmpty()) {
                String arg = queue.remove(0);
                String name = arg;
                String inlineValue = null;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    name = arg.substring(0, equals);
                    inlineValue = arg.substring(equals + 1);
                }
                switch (name) {
                    case "--host" -> options.host = value(name, inlineValue, queue);
                    case "--port" -> options.port = port(name, value(name, inlineValue, queue));
                    case "--controller-port" -> options.controllerPort = port(name, value(name, inlineValue, queue));
                    case "--data-dir" -> options.dataDir = Path.of(value(name, inlineValue, queue));
                    case "--auto-create-topics" -> options.autoCreateTopics = true;
                    case "--exit-on-stdin-close" -> options.exitOnStdinClose = true;
                    case "--help", "-h" -> options.help = true;
                    default -> throw new IllegalArgumentException("Unknown option: " + arg);
                }
            }
            return options;
        }

        /** Port 0 becomes a free port here, so the ready line and server.properties show the real one. */
        BrokerSettings resolve() {
            int resolvedPort = port == 0 ? FreePorts.pick(host) : port;
            int resolvedControllerPort;
            if (controllerPort == null) {
                resolvedControllerPort = port == 0 ? FreePorts.pickOtherThan(host, resolvedPort) : resolvedPort + 1;
            } else {
                resolvedControllerPort = controllerPort == 0 ? FreePorts.pickOtherThan(host, resolvedPort) : controllerPort;
            }
            FreePorts.requireFree(host, resolvedPort, "Kafka client");
            FreePorts.requireFree(host, resolvedControllerPort, "Kafka controller");
            return new BrokerSettings(host, resolvedPort, resolvedControllerPort,
                    dataDir.toAbsolutePath().normalize(), autoCreateTopics);
        }

        private static String value(String name, String inlineValue, List<String> queue) {
            if (inlineValue != null) {
                return inlineValue;
            }
            if (queue.isEmpty() || queue.get(0).startsWith("--")) {
                throw new IllegalArgumentException("Option " + name + " needs a value");
            }
            return queue.remove(0);
        }

        private static int port(String name, String value) {
            try {
                int port = Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Option " + name + " needs a port number (0-65535), got: " + value);
            }
        }
    }
}
