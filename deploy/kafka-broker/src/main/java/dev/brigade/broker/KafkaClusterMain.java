package dev.brigade.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a secured {@link KafkaCluster} in the foreground for local runs: starts every node, creates the topics of a
 * topics file, prints one ready line, and stops every node on SIGTERM, Ctrl-C or (with --exit-on-stdin-close) when
 * standard input ends. Each node is a child JVM that also stops by itself if this process is killed.
 */
public final class KafkaClusterMain {

    /** Printed once every node is up and the ACLs and topics are in place; launchers wait for this prefix. */
    public static final String READY_MESSAGE_PREFIX = "Kafka cluster ready on ";

    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;

    private static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -cp 'brigade-kafka-broker.jar:lib/*' " + KafkaClusterMain.class.getName() + " [options]",
            "  --nodes N                1 or 3 combined broker+controller nodes (default 3)",
            "  --host HOST              address to listen on (default 127.0.0.1)",
            "  --port PORT              first port: clients on PORT..PORT+N-1, controllers on PORT+N..PORT+2N-1;",
            "                           0 = free ports (default 9092)",
            "  --data-dir DIR           certificates, passwords and storage (default ./.run/kafka-cluster)",
            "  --passwords-file FILE    user=password lines for some SCRAM users; the others are generated",
            "                           into DIR/credentials.properties (mode 600)",
            "  --topics-file FILE       topics to create as brigade-admin: 'name partitions [config=value ...]'",
            "  --max-heap SIZE          -Xmx of each node (default 384m)",
            "  --exit-on-stdin-close    stop when standard input reaches end of file (for child processes)",
            "  --help                   print this help");

    private KafkaClusterMain() {
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
        // The launcher's own admin client retries loudly while the nodes come up; the nodes' logs say what matters.
        BrokerLogging.quiet("org.apache.kafka.clients");
        KafkaCluster cluster;
        try {
            Map<String, String> passwords = options.passwordsFile == null ? Map.of()
                    : ClusterSecrets.readPasswordsFile(options.passwordsFile);
            cluster = KafkaCluster.builder().nodes(options.nodes).host(options.host).port(options.port)
                    .dataDir(options.dataDir).passwords(passwords).maxHeap(options.maxHeap)
                    .startTimeout(Duration.ofMinutes(5)).build();
            // Registered before start: SIGTERM while starting must not leave nodes behind either.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("Stopping Kafka cluster");
                cluster.close();
                System.out.println("Kafka cluster stopped");
                System.out.flush();
            }, "kafka-cluster-shutdown"));
            if (options.exitOnStdinClose) {
                KafkaServerRunner.watchStdinForEof();
            }
            cluster.start();
            if (options.topicsFile != null) {
                cluster.createTopics(TopicsFile.read(options.topicsFile));
            }
        } catch (FreePorts.PortInUseException e) {
            System.err.println("Kafka cluster not started: " + e.getMessage());
            System.exit(EXIT_FAILURE);
            return;
        } catch (Exception e) {
            System.err.println("Kafka cluster failed: " + e);
            e.printStackTrace();
            System.exit(EXIT_FAILURE);
            return;
        }
        System.out.println(READY_MESSAGE_PREFIX + cluster.bootstrapServers()
                + " security.protocol=SASL_SSL sasl.mechanism=SCRAM-SHA-512"
                + " truststore=" + cluster.truststore() + " truststore-type=PKCS12"
                + " truststore-password=" + cluster.truststorePassword()
                + " credentials=" + cluster.credentialsFile());
        System.out.flush();
        try {
            // The nodes run in their own JVMs; this one only waits for a signal to stop them.
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Command-line options, parsed without a library so the launcher needs nothing beyond Kafka itself. */
    static final class Options {
        int nodes = 3;
        String host = "127.0.0.1";
        int port = 9092;
        Path dataDir = Path.of(".run", "kafka-cluster");
        Path passwordsFile;
        Path topicsFile;
        String maxHeap = "384m";
        boolean exitOnStdinClose;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            CommandLine line = new CommandLine(args);
            while (line.next()) {
                switch (line.name()) {
                    case "--nodes" -> options.nodes = nodes(line.value());
                    case "--host" -> options.host = line.value();
                    case "--port" -> options.port = line.port();
                    case "--data-dir" -> options.dataDir = Path.of(line.value());
                    case "--passwords-file" -> options.passwordsFile = Path.of(line.value());
                    case "--topics-file" -> options.topicsFile = Path.of(line.value());
                    case "--max-heap" -> options.maxHeap = line.value();
                    case "--exit-on-stdin-close" -> options.exitOnStdinClose = true;
                    case "--help", "-h" -> options.help = true;
                    default -> throw line.unknown();
                }
            }
            return options;
        }

        private static int nodes(String value) {
            if (!value.equals("1") && !value.equals("3")) {
                throw new IllegalArgumentException("Option --nodes takes 1 or 3, got: " + value);
            }
            return Integer.parseInt(value);
        }
    }
}
