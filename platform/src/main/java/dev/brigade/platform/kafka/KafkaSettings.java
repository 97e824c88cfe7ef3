package dev.brigade.platform.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.microprofile.config.Config;

/**
 * The Kafka client properties of a station, read once from configuration: every {@code kafka.<property>} (or
 * environment variable {@code KAFKA_<PROPERTY>}, e.g. KAFKA_SECURITY_PROTOCOL), as the Quarkus Kafka extension reads
 * them for the messaging channels. {@code client.id} is kept apart as a prefix; {@code group.id} is left to each
 * consumer.
 */
public final class KafkaSettings {

    private final Map<String, Object> clientProperties;
    private final Optional<String> clientIdPrefix;

    public KafkaSettings(Map<String, ?> properties) {
        Map<String, Object> props = new TreeMap<>(properties);
        Object prefix = props.remove(CommonClientConfigs.CLIENT_ID_CONFIG);
        props.remove(CommonClientConfigs.GROUP_ID_CONFIG);
        this.clientProperties = Map.copyOf(props);
        this.clientIdPrefix = prefix == null || prefix.toString().isBlank() ? Optional.empty()
                : Optional.of(prefix.toString().trim());
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
