package dev.brigade.platform.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.eclipse.microprofile.config.Config;

/**
 * The Kafka client properties of a station, read once from configuration: every {@code kafka.<property>} (or
 * environment variable {@code KAFKA_<PROPERTY>}, e.g. KAFKA_SECURITY_PROTOCOL), as the Quarkus Kafka extension reads
 * them for the messaging channels. {@code client.id} is kept apart as a prefix; {@code group.id} is left to each
 * consumer. {@code sasl.username} and {@code sasl.password} (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD) are not Kafka
 * properties: they become the {@code sasl.jaas.config} of the configured mechanism (SCRAM-SHA-512 unless set), so
 * a secret can hold the password alone.
 */
public final class KafkaSettings {

    static final String SASL_USERNAME = "sasl.username";
    static final String SASL_PASSWORD = "sasl.password";

    private final Map<String, Object> clientProperties;
    private final Optional<String> clientIdPrefix;

    public KafkaSettings(Map<String, ?> properties) {
        Map<String, Object> props = new TreeMap<>(properties);
        Object prefix = props.remove(CommonClientConfigs.CLIENT_ID_CONFIG);
        props.remove(CommonClientConfigs.GROUP_ID_CONFIG);
        saslLogin(props, props.remove(SASL_USERNAME), props.remove(SASL_PASSWORD));
        this.clientProperties = Map.copyOf(props);
        this.clientIdPrefix = prefix == null || prefix.toString().isBlank() ? Optional.empty()
                : Optional.of(prefix.toString().trim());
    }

    /** A SASL user and password as the login module of the mechanism; refused by name when half of it is missing. */
    private static void saslLogin(Map<String, Object> props, Object username, Object password) {
        if (username == null && password == null) {
            return;
        }
        if (username == null || password == null || username.toString().isBlank() || password.toString().isBlank()) {
            throw new IllegalStateException("KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (kafka.sasl.username, "
                    + "kafka.sasl.password) go together: " + (username == null || username.toString().isBlank()
                            ? "the username" : "the password") + " is missing");
        }
        if (props.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
            throw new IllegalStateException("KAFKA_SASL_JAAS_CONFIG and KAFKA_SASL_USERNAME/PASSWORD both set: "
                    + "give one of them");
        }
        String mechanism = props.computeIfAbsent(SaslConfigs.SASL_MECHANISM, m -> "SCRAM-SHA-512").toString();
        String module = switch (mechanism) {
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            default -> throw new IllegalStateException("KAFKA_SASL_USERNAME/PASSWORD work with SCRAM-SHA-256, "
                    + "SCRAM-SHA-512 or PLAIN; KAFKA_SASL_MECHANISM is " + mechanism + ": set KAFKA_SASL_JAAS_CONFIG");
        };
        props.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasQuoted(username)
                + "\" password=\"" + jaasQuoted(password) + "\";");
    }

    private static String jaasQuoted(Object value) {
        return value.toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** From {@code kafka.*} properties and {@code KAFKA_*} environment variables of the given configuration. */
    public static KafkaSettings from(Config config) {
        Map<String, Object> props = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            String key = clientKey(name);
            if (key != null) {
                // resolved by its dotted name, so the configuration's precedence decides between the file and env
                config.getOptionalValue("kafka." + key, String.class)
                        .or(() -> config.getOptionalValue(name, String.class))
                        .ifPresent(value -> props.put(key, value));
            }
        }
        return new KafkaSettings(props);
    }

    /** "kafka.security.protocol" and KAFKA_SECURITY_PROTOCOL both name security.protocol; other names none. */
    static String clientKey(String configName) {
        String lower = configName.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("kafka.") && !lower.startsWith("kafka_")) {
            return null;
        }
        String key = lower.substring("kafka.".length());
        return key.isEmpty() ? null : key.replaceAll("[^a-z0-9.]", ".");
    }

    /** Every client property but client.id and group.id. */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    public Optional<String> clientIdPrefix() {
        return clientIdPrefix;
    }

    public String bootstrapServers() {
        Object servers = clientProperties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null) {
            throw new IllegalStateException("kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) is not set");
        }
        return servers.toString();
    }
}
