package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
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
    void aSaslUserAndPasswordBecomeTheMechanismsLoginModuleForEveryClient() {
        // Given a SCRAM user from the environment, its password with the characters JAAS must escape
        String password = "p\"a\\ss word";
        KafkaClients clients = new KafkaClients(KafkaSettings.from(config(Map.of("KAFKA_BOOTSTRAP_SERVERS",
                "kafka:9093", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_USERNAME", "serving-service",
                "KAFKA_SASL_PASSWORD", password))));

        // When a producer and a Streams app are configured
        for (Map<?, ?> props : List.of(clients.producerConfig("p", Map.of()), clients.streamsConfig("s", Map.of()))) {
            // Then each has SCRAM-SHA-512 (the default) and a JAAS entry that Kafka's own parser reads back
            assertThat(props.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(props.containsKey("sasl.username") || props.containsKey("sasl.password")).isFalse();
            AppConfigurationEntry entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                    new Password(props.get("sasl.jaas.config").toString()))).configurationEntries().get(0);
            assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
            assertThat(entry.getOptions().get("username")).isEqualTo("serving-service");
            assertThat(entry.getOptions().get("password")).isEqualTo(password);
        }
    }

    @Test
    void halfASaslLoginOrTwoOfThemIsRefusedNamingTheSettings() {
        // A username without its password, both forms at once, and a mechanism that has no user and password
        assertThatThrownBy(() -> KafkaSettings.from(config(Map.of("KAFKA_SASL_USERNAME", "monitor-service"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("KAFKA_SASL_PASSWORD")
                .hasMessageContaining("the password is missing");
        assertThatThrownBy(() -> KafkaSettings.from(config(Map.of("KAFKA_SASL_USERNAME", "a",
                "KAFKA_SASL_PASSWORD", "b", "KAFKA_SASL_JAAS_CONFIG", "x required;"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("KAFKA_SASL_JAAS_CONFIG");
        assertThatThrownBy(() -> KafkaSettings.from(config(Map.of("KAFKA_SASL_USERNAME", "a",
                "KAFKA_SASL_PASSWORD", "b", "KAFKA_SASL_MECHANISM", "OAUTHBEARER"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("OAUTHBEARER");
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
