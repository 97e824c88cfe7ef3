package dev.brigade.broker;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import kafka.server.Server;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;

/**
 * Runs one KRaft server inside the current JVM until it shuts down: formats storage when asked, starts the server,
 * prints the caller's ready line, stops cleanly on SIGTERM and, for child processes, on standard input closing.
 * Shared by the single dev broker ({@link KafkaBrokerMain}) and each node of a {@link KafkaCluster}.
 */
final class KafkaServerRunner {

    private static final Logger LOG = Logger.getLogger(KafkaServerRunner.class.getName());

    private KafkaServerRunner() {
    }

    /** kafka-storage format; {@code extraArgs} such as --add-scram go after the config and cluster id. */
    static void formatStorage(Path serverPropertiesFile, String clusterId, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("format", "--cluster-id", clusterId,
                "--config", serverPropertiesFile.toString()));
        args.addAll(extraArgs);
        int exitCode = StorageTool.execute(args.toArray(String[]::new), System.out);
        if (exitCode != 0) {
            throw new IllegalStateException("kafka-storage format failed with exit code " + exitCode);
        }
    }

    /** Starts the server, prints {@code readyLine} once it serves clients, and returns when it has shut down. */
    static void runUntilShutdown(Properties serverProperties, String readyLine, boolean exitOnStdinClose) {
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
        if (exitOnStdinClose) {
            watchStdinForEof();
        }
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdown.run();
            throw e;
        }
        System.out.println(readyLine);
        System.out.flush();
        server.awaitShutdown();
    }

    /**
     * What kafka.Kafka's main does, minus its System.exit calls, so that the caller prints the ready line and owns
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

    /**
     * A launcher that dies, even by kill -9, closes its end of our stdin pipe: reaching EOF means nobody is left to
     * stop us, so we stop ourselves instead of living on as an orphan holding ports.
     */
    static void watchStdinForEof() {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // Input is meaningless to the broker; only its end matters.
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Reading stdin failed; treating it as closed", e);
            }
            LOG.info("Standard input closed: the launching process is gone, stopping");
            System.exit(0);
        }, "kafka-broker-stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
