package dev.brigade.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One node of a {@link KafkaCluster}, in the child JVM {@link KafkaCluster} launches: formats its storage the first
 * time, with every SCRAM user of {@link StationAcls#USERS} added to the metadata log, then runs until SIGTERM or
 * until its launcher goes away (standard input closed). Its server.properties is written by the launcher.
 *
 * <p>Arguments: {@code --config FILE --cluster-id ID --credentials FILE [--exit-on-stdin-close]}. Passwords are read
 * from the credentials file, never passed on the command line, where {@code ps} would show them.
 */
public final class ClusterNodeMain {

    /** Printed once the node serves clients. */
    static final String READY_MESSAGE_PREFIX = "Kafka node ready: ";

    private ClusterNodeMain() {
    }

    public static void main(String[] args) {
        BrokerLogging.install();
        try {
            run(args);
        } catch (Exception e) {
            System.err.println("Kafka node failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        // Kafka may leave non-daemon threads behind after shutdown; the node is done, so leave for sure.
        System.exit(0);
    }

    private static void run(String[] args) throws IOException {
        Path config = null;
        String clusterId = null;
        Path credentials = null;
        boolean exitOnStdinClose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--cluster-id" -> clusterId = args[++i];
                case "--credentials" -> credentials = Path.of(args[++i]);
                case "--exit-on-stdin-close" -> exitOnStdinClose = true;
                default -> throw new IllegalArgumentException("Unknown option: " + args[i]);
            }
        }
        if (config == null || clusterId == null || credentials == null) {
            throw new IllegalArgumentException("--config, --cluster-id and --credentials are required");
        }
        Properties serverProperties = new Properties();
        try (Reader reader = Files.newBufferedReader(config, StandardCharsets.ISO_8859_1)) {
            serverProperties.load(reader);
        }
        Path kafkaLogDir = Path.of(serverProperties.getProperty("log.dirs"));
        if (!Files.exists(kafkaLogDir.resolve("meta.properties"))) {
            ClusterSecrets secrets = ClusterSecrets.read(credentials);
            List<String> scramUsers = new ArrayList<>();
            secrets.userPasswords().forEach((user, password) -> {
                scramUsers.add("--add-scram");
                scramUsers.add(ClusterNodeSettings.SCRAM_MECHANISM + "=[name=" + user + ",password=" + password + "]");
            });
            KafkaServerRunner.formatStorage(config, clusterId, scramUsers);
        }
        KafkaServerRunner.runUntilShutdown(serverProperties, READY_MESSAGE_PREFIX + "node "
                + serverProperties.getProperty("node.id") + " on " + serverProperties.getProperty("advertised.listeners"),
                exitOnStdinClose);
    }
}
