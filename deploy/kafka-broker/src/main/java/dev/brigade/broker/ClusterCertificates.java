package dev.brigade.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A private certificate authority and one certificate per node, made with the JDK's keytool the first time a data
 * dir is used and reused afterwards. Node certificates name localhost and 127.0.0.1 (and the advertised host) so
 * that clients keep ssl.endpoint.identification.algorithm=https. Clients trust the CA through {@link #TRUSTSTORE}.
 * The stores' password reaches keytool through its environment, never its command line.
 */
final class ClusterCertificates {

    /** The PKCS12 store holding only the CA certificate: what clients (and the nodes) trust. */
    static final String TRUSTSTORE = "truststore.p12";

    /** The truststore clients and nodes trust, and each node's keystore (its key and CA-signed certificate). */
    record Stores(Path truststore, Map<Integer, Path> keystores) {
    }

    private static final Logger LOG = Logger.getLogger(ClusterCertificates.class.getName());
    private static final String CA_ALIAS = "brigade-ca";
    private static final String PASSWORD_VARIABLE = "BRIGADE_KAFKA_STORE_PASSWORD";
    private static final String VALIDITY_DAYS = "3650";

    private final Path dir;
    private final String storePassword;
    private final String advertisedHost;

    ClusterCertificates(Path dir, String storePassword, String advertisedHost) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.advertisedHost = advertisedHost;
    }

    /** Creates what is missing (the CA, the truststore, node keystores) and returns the paths. */
    Stores ensure(List<Integer> nodeIds) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve("ca.p12");
            Path caCert = dir.resolve("ca.pem");
            Path truststore = dir.resolve(TRUSTSTORE);
            if (!Files.exists(truststore)) {
                LOG.info(() -> "Creating a certificate authority in " + dir);
                deleteIfExists(caStore, caCert);
                keytool("-genkeypair", "-alias", CA_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=Brigade local Kafka CA", "-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign",
                        "-validity", VALIDITY_DAYS, "-keystore", caStore.toString(), "-storetype", "PKCS12",
                        "-storepass:env", PASSWORD_VARIABLE);
                keytool("-exportcert", "-rfc", "-alias", CA_ALIAS, "-keystore", caStore.toString(),
                        "-storepass:env", PASSWORD_VARIABLE, "-file", caCert.toString());
                // Written last: its presence says the CA is complete.
                keytool("-importcert", "-noprompt", "-alias", CA_ALIAS, "-file", caCert.toString(),
                        "-keystore", truststore.toString(), "-storetype", "PKCS12",
                        "-storepass:env", PASSWORD_VARIABLE);
                PrivateFiles.restrict(caStore);
            }
            Map<Integer, Path> keystores = new LinkedHashMap<>();
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (int nodeId : nodeIds) {
                Path keystore = dir.resolve("node-" + nodeId + ".p12");
                keystores.put(nodeId, keystore);
                if (!Files.exists(keystore)) {
                    // Nodes are independent once the CA exists: keytool's JVM start-ups overlap.
                    pending.add(CompletableFuture.runAsync(() -> createNodeKeystore(nodeId, keystore, caStore, caCert)));
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
            return new Stores(truststore, keystores);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the cluster's certificates in " + dir, e);
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private void createNodeKeystore(int nodeId, Path keystore, Path caStore, Path caCert) {
        String alias = "node-" + nodeId;
        Path building = dir.resolve(alias + ".p12.tmp");
        Path request = dir.resolve(alias + ".csr");
        Path signed = dir.resolve(alias + ".pem");
        try {
            deleteIfExists(building, request, signed);
            keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=brigade-kafka-" + alias, "-validity", VALIDITY_DAYS,
                    "-keystore", building.toString(), "-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE);
            keytool("-certreq", "-alias", alias, "-keystore", building.toString(), "-storepass:env", PASSWORD_VARIABLE,
                    "-file", request.toString());
            keytool("-gencert", "-alias", CA_ALIAS, "-keystore", caStore.toString(), "-storepass:env",
                    PASSWORD_VARIABLE, "-infile", request.toString(), "-outfile", signed.toString(), "-rfc",
                    "-validity", VALIDITY_DAYS, "-ext", "SAN=" + subjectAlternativeNames(),
                    "-ext", "KU=digitalSignature", "-ext", "EKU=serverAuth,clientAuth");
            // The CA first, so that keytool can chain the signed reply to it.
            keytool("-importcert", "-noprompt", "-alias", CA_ALIAS, "-file", caCert.toString(),
                    "-keystore", building.toString(), "-storepass:env", PASSWORD_VARIABLE);
            keytool("-importcert", "-alias", alias, "-file", signed.toString(), "-keystore", building.toString(),
                    "-storepass:env", PASSWORD_VARIABLE);
            PrivateFiles.restrict(building);
            Files.move(building, keystore);
            deleteIfExists(request, signed);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the keystore of node " + nodeId, e);
        }
    }

    private String subjectAlternativeNames() {
        List<String> names = new ArrayList<>(List.of("dns:localhost", "ip:127.0.0.1"));
        if (!advertisedHost.equals("localhost") && !advertisedHost.equals("127.0.0.1")) {
            names.add((isIpAddress(advertisedHost) ? "ip:" : "dns:") + advertisedHost);
        }
        return String.join(",", names);
    }

    private static boolean isIpAddress(String host) {
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).getHostAddress() != null;
        } catch (IOException e) {
            return false;
        }
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(keytoolExecutable());
        // keytool is a short-lived JVM: start it like the brokers, small and quick.
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xmx64m"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put(PASSWORD_VARIABLE, storePassword);
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
    }

    /** $JAVA_HOME/bin/keytool, else the one beside the running java. */
    private static String keytoolExecutable() {
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank() && Files.isExecutable(Path.of(javaHome, "bin", "keytool"))) {
            return Path.of(javaHome, "bin", "keytool").toString();
        }
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void deleteIfExists(Path... files) throws IOException {
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
    }
}
