package dev.brigade.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.common.Uuid;

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
        BrokerSettings settings = options.resolve();
        Files.createDirectories(settings.kafkaLogDir());

        Properties serverProperties = settings.toServerProperties();
        writeServerProperties(settings.dataDir().resolve(SERVER_PROPERTIES_FILE), serverProperties);
        String clusterId = readOrCreateClusterId(settings.dataDir());
        if (!isFormatted(settings)) {
            KafkaServerRunner.formatStorage(settings.dataDir().resolve(SERVER_PROPERTIES_FILE), clusterId, List.of());
        }
        KafkaServerRunner.runUntilShutdown(serverProperties, READY_MESSAGE_PREFIX + settings.bootstrapServers()
                + " (controller port " + settings.controllerPort() + ", data: " + settings.dataDir() + ")",
                options.exitOnStdinClose);
    }

    /** Sorted and without Properties.store's timestamp, so two starts with equal settings write equal files. */
    static void writeServerProperties(Path file, Properties properties) throws IOException {
        Files.writeString(file, serverPropertiesText(properties), StandardCharsets.ISO_8859_1);
    }

    /** The text of a server.properties file (ISO-8859-1), for writers that need other file permissions. */
    static String serverPropertiesText(Properties properties) {
        StringBuilder text = new StringBuilder()
                .append("# Written by the Brigade Kafka launcher")
                .append(" on every start: edits here are lost, change the launcher options instead.\n");
        new TreeMap<>(properties).forEach((key, value) ->
                text.append(key).append('=').append(escapePropertyValue(value.toString())).append('\n'));
        return text.toString();
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
            CommandLine line = new CommandLine(args);
            while (line.next()) {
                switch (line.name()) {
                    case "--host" -> options.host = line.value();
                    case "--port" -> options.port = line.port();
                    case "--controller-port" -> options.controllerPort = line.port();
                    case "--data-dir" -> options.dataDir = Path.of(line.value());
                    case "--auto-create-topics" -> options.autoCreateTopics = true;
                    case "--exit-on-stdin-close" -> options.exitOnStdinClose = true;
                    case "--help", "-h" -> options.help = true;
                    default -> throw line.unknown();
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
    }
}
