package dev.brigade.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class SharedKafkaBrokerTest {

    @Test
    void quarkusTestResourceHandsOutTheOneBrokerOfThisJvm() throws Exception {
        // Given the shared broker, started lazily by its first user
        String bootstrapServers = SharedKafkaBroker.bootstrapServers();

        // When the Quarkus test resource is started, as for every @QuarkusTest class using it
        Map<String, String> config = new KafkaBrokerResource().start();

        // Then it points at that same running broker, whose files live under target/
        assertThat(config).containsExactly(Map.entry("kafka.bootstrap.servers", bootstrapServers));
        assertThat(SharedKafkaBroker.bootstrapServers()).isEqualTo(bootstrapServers);
        assertThat(System.getProperty(SharedKafkaBroker.BOOTSTRAP_SERVERS_PROPERTY)).isEqualTo(bootstrapServers);
        assertThat(SharedKafkaBroker.startedBroker().logFile().toString()).contains("target");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }
}
