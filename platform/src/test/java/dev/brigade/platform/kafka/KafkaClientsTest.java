package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** One configuration, every client: a property set once reaches producers, consumers, admin and Streams apps. */
class KafkaClientsTest {

    private static final Map<String, String> SECURED = Map.of(
            "kafka.bootstrap.servers", "broker-1:9093",
            "kafka.security.protocol", "SASL_SSL",
            "kafka.sasl.mechanism", "SCRAM-SHA-512",
            "kafka.client.id", "acme",
            "kafka.group.id", "never-a-raw-client-group",
            "kafka-streams.application-id", "not-a-client-property",
            "quarkus.kafka.devservices.enabled", "false");

    @Test
    @SuppressWarnings("unchecked")
    void everyKafkaPropertyReachesEveryKindOfClientUnderTheClientIdPrefix() {
        // Given a secured configuration with a client-id prefix
        KafkaClients clients = new KafkaClients(KafkaSettings.from(config(SECURED)));

        // When each kind of client is configured
        Map<String, Object> producer = clients.producerConfig("registry-writer", Map.of());
        Map<String, Object> consumer = clients.consumerConfig("registry-log", Map.of());
        Map<String, Object> admin = clients.adminConfig("registry-topic-setup", Map.of());
        Map<Object, Object> streams = clients.streamsConfig("monitor", Map.of());

        // Then each has the cluster, its security and its own id under the prefix
        for (Map<?, ?> props : List.of(producer, consumer, admin, streams)) {
            assertThat((Map<Object, Object>) props).containsEntry("bootstrap.servers", "broker-1:9093")
                    .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .doesNotContainKey("group.id").doesNotContainKey("streams.application.id");
        }
        assertThat(producer).containsEntry("client.id", "acme-registry-writer").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true);
        assertThat(consumer).containsEntry("client.id", "acme-registry-log").containsEntry("enable.auto.commit", false);
        assertThat(admin).containsEntry("client.id", "acme-registry-topic-setup");
        assertThat(streams).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "monitor")
                .containsEntry(StreamsConfig.CLIENT_ID_CONFIG, "acme-monitor");
    }

    @Test
    void environmentVariablesNameClientPropertiesAsTheKafkaExtensionReadsThem() {
        // Given the settings an operator gives a container
        SmallRyeConfig config = config(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12"));

        // When read, Then each is the client property it names
        KafkaSettings settings = KafkaSettings.from(config);
        assertThat(settings.clientProperties()).containsEntry("bootstrap.servers", "kafka:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
        assertThat(settings.clientIdPrefix()).isEmpty();
        assertThat(new KafkaClients(settings).clientId("serving-prediction-log")).isEqualTo("serving-prediction-log");
    }

    @Test
    void theCallersSettingsGoOnTopOfTheDefaults() {
        KafkaClients clients = new KafkaClients(KafkaSettings.from(config(SECURED)));

        assertThat(clients.producerConfig("registry-writer", Map.of("transactional.id", "registry", "acks", "all")))
                .containsEntry("transactional.id", "registry");
        assertThat(clients.consumerConfig("scan", Map.of("isolation.level", "read_committed")))
                .containsEntry("isolation.level", "read_committed").containsEntry("security.protocol", "SASL_SSL");
    }

    private static SmallRyeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withDefaultValues(values).build();
    }
}
