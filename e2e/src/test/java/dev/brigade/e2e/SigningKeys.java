package dev.brigade.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The registry's signing key for one test platform, made as an operator makes it: an Ed25519 key pair in a PKCS12
 * keystore by the JDK's keytool, and its certificate exported as PEM for every station that verifies.
 */
record SigningKeys(Path keystore, String password, String alias, Path certificate) {

    static final String ALIAS = "registry-signing";

    static SigningKeys create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path keystore = dir.resolve(name + ".p12");
            Path certificate = dir.resolve(name + ".pem");
            String password = UUID.randomUUID().toString();
            Files.deleteIfExists(keystore);
            keytool("-genkeypair", "-keyalg", "Ed25519", "-alias", ALIAS, "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", password, "-dname", "CN=brigade-registry " + name,
                    "-validity", "30");
            keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keystore.toString(), "-storetype",
                    "PKCS12", "-storepass", password, "-file", certificate.toString());
            return new SigningKeys(keystore, password, ALIAS, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the registry needs to sign, and what every station needs to verify (these keys only). */
    Map<String, String> env() {
        return Map.of("BRIGADE_SIGNING_KEYSTORE", keystore.toString(),
                "BRIGADE_SIGNING_KEYSTORE_PASSWORD", password,
                "BRIGADE_SIGNING_KEY_ALIAS", alias,
                "BRIGADE_SIGNING_TRUSTED_CERTS", certificate.toString());
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
