package dev.brigade.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The passwords of a secured cluster: one SCRAM password per user of {@link StationAcls#USERS}, the password of the
 * internal controller login, and the one password of the TLS key and trust stores. Generated randomly the first time
 * a data dir is used (callers may choose user passwords), then read back from {@value #FILE_NAME} (mode 600), because
 * the SCRAM credentials are written into the metadata log once, at format time, and must keep matching.
 */
record ClusterSecrets(Map<String, String> userPasswords, String controllerPassword, String storePassword) {

    static final String FILE_NAME = "credentials.properties";

    /** The login the nodes use among themselves on the controller listener (SASL/PLAIN, not a SCRAM user). */
    static final String CONTROLLER_USER = "brigade-controller";

    private static final String USER_PREFIX = "user.";
    private static final String CONTROLLER_KEY = "controller." + CONTROLLER_USER;
    private static final String STORE_KEY = "tls.stores";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int GENERATED_LENGTH = 24;
    /**
     * Passwords go unquoted into kafka-storage's --add-scram and quoted into JAAS settings: neither the separators of
     * the first ({@code ,[]=}) nor the quote and escape of the second may appear.
     */
    private static final Pattern ALLOWED_PASSWORD = Pattern.compile("[A-Za-z0-9._~!@#$%^&*()+:;<>?/|{}-]{8,128}");

    ClusterSecrets {
        userPasswords = Map.copyOf(userPasswords);
        Objects.requireNonNull(controllerPassword, "controllerPassword");
        Objects.requireNonNull(storePassword, "storePassword");
    }

    String password(String user) {
        String password = userPasswords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("No such cluster user: " + user + "; users are " + StationAcls.USERS);
        }
        return password;
    }

    /**
     * Reads the data dir's secrets, or creates them on first use.
     *
     * @param requested passwords the caller wants for some users; the others are generated
     * @throws IllegalStateException if the data dir already holds a different password for a requested user: its
     *                               SCRAM credentials were formatted with the stored one
     */
    static ClusterSecrets loadOrCreate(Path dataDir, Map<String, String> requested) {
        requested.forEach(ClusterSecrets::checkRequested);
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                ClusterSecrets stored = read(file);
                requested.forEach((user, password) -> {
                    if (!password.equals(stored.userPasswords.get(user))) {
                        throw new IllegalStateException("The password given for " + user + " is not the one " + file
                                + " holds, which the cluster's SCRAM credentials were created with; pass that one or"
                                + " start on a new data dir");
                    }
                });
                return stored;
            }
            SecureRandom random = new SecureRandom();
            Map<String, String> users = new LinkedHashMap<>();
            for (String user : StationAcls.USERS) {
                users.put(user, requested.getOrDefault(user, generate(random)));
            }
            ClusterSecrets created = new ClusterSecrets(users, generate(random), generate(random));
            created.write(file);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or write " + file, e);
        }
    }

    /** Reads user=password lines, as a --passwords-file holds them. */
    static Map<String, String> readPasswordsFile(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> passwords = new TreeMap<>();
        properties.forEach((user, password) -> passwords.put(user.toString().trim(), password.toString().trim()));
        return passwords;
    }

    /** The secrets a cluster launcher wrote, for a node's JVM. */
    static ClusterSecrets read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (String user : StationAcls.USERS) {
            String password = properties.getProperty(USER_PREFIX + user);
            if (password == null) {
                throw new IllegalStateException(file + " has no password for " + user);
            }
            users.put(user, password);
        }
        return new ClusterSecrets(users, required(properties, CONTROLLER_KEY, file), required(properties, STORE_KEY, file));
    }

    private void write(Path file) throws IOException {
        Properties properties = new Properties();
        userPasswords.forEach((user, password) -> properties.setProperty(USER_PREFIX + user, password));
        properties.setProperty(CONTROLLER_KEY, controllerPassword);
        properties.setProperty(STORE_KEY, storePassword);
        StringWriter text = new StringWriter();
        properties.store(text, "Passwords of this data dir's Kafka cluster: SCRAM users, the controller login and the"
                + " TLS stores. Generated once; the cluster's SCRAM credentials were created from them.");
        PrivateFiles.write(file, text.toString(), StandardCharsets.UTF_8);
    }

    private static String required(Properties properties, String key, Path file) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(file + " has no " + key);
        }
        return value;
    }

    private static void checkRequested(String user, String password) {
        if (!StationAcls.USERS.contains(user)) {
            throw new IllegalArgumentException("No such cluster user: " + user + "; users are " + StationAcls.USERS);
        }
        if (password == null || !ALLOWED_PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("The password of " + user + " must be 8 to 128 characters of letters,"
                    + " digits and ._~!@#$%^&*()+:;<>?/|{}- (no quotes, backslashes, commas, brackets or '=')");
        }
    }

    private static String generate(SecureRandom random) {
        StringBuilder password = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
