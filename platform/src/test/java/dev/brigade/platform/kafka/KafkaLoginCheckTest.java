package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaCluster;
import dev.brigade.broker.StationAcls;

/** A station's first login to a secured cluster (one node of the launcher's SASL_SSL cluster, real SCRAM users). */
class KafkaLoginCheckTest {

    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        Path dir = Files.createTempDirectory("login-check");
        cluster = KafkaCluster.builder().nodes(1).dataDir(dir).startTimeout(Duration.ofMinutes(3)).build().start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theRightLoginPasses() {
        assertThat(KafkaLoginCheck.refusal(clients(login(StationAcls.SERVING_SERVICE,
                cluster.password(StationAcls.SERVING_SERVICE))), "SASL_SSL")).isNull();
    }

    @Test
    void aWrongPasswordStopsTheStationNamingTheSettings() {
        // Given serving's user with a password that is not its own
        KafkaClients clients = clients(login(StationAcls.SERVING_SERVICE, "not-the-password"));

        // When it logs in
        String refusal = KafkaLoginCheck.refusal(clients, "SASL_SSL");

        // Then the one line says what to fix
        assertThat(refusal).contains("refused this station's login").contains("KAFKA_SASL_USERNAME")
                .contains("KAFKA_SASL_PASSWORD");
    }

    @Test
    void aTruststoreThatCannotBeReadNamesTheTruststoreSettings() {
        Map<String, Object> props = login(StationAcls.SERVING_SERVICE, cluster.password(StationAcls.SERVING_SERVICE));
        props.put("ssl.truststore.location", "/nonexistent/truststore.p12");

        assertThat(KafkaLoginCheck.refusal(clients(props), "SASL_SSL")).contains("KAFKA_SSL_TRUSTSTORE_LOCATION");
    }

    private static Map<String, Object> login(String user, String password) {
        Map<String, Object> props = new HashMap<>(cluster.clientProperties(user));
        props.remove("sasl.jaas.config");
        props.put("sasl.username", user);
        props.put("sasl.password", password);
        return props;
    }

    private static KafkaClients clients(Map<String, Object> props) {
        return new KafkaClients(new KafkaSettings(props));
    }
}
