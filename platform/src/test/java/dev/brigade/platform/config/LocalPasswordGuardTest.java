package dev.brigade.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

class LocalPasswordGuardTest {

    /** As the registry and the monitor ship them: each password an environment variable with a local default. */
    private static final Map<String, String> SHIPPED = Map.of(
            "quarkus.security.users.embedded.users.rita", "${BRIGADE_REGISTRY_RITA_PASSWORD:rita-local}",
            "quarkus.security.users.embedded.users.dave", "${BRIGADE_REGISTRY_DAVE_PASSWORD:dave-local}",
            "brigade.monitor.registry.password", "${BRIGADE_MONITOR_REGISTRY_PASSWORD:monitor-local}",
            "%test.quarkus.security.users.embedded.users.olga", "olga-local",
            "quarkus.http.port", "${BRIGADE_HTTP_PORT:8083}");

    @Test
    void aPackagedStationNamesEveryVariableStillAtItsLocalDefault() {
        // Given the shipped properties and only dave's password set
        Config config = config(SHIPPED, Map.of("BRIGADE_REGISTRY_DAVE_PASSWORD", "s3cret-from-the-vault"));

        // Then rita's and the monitor's variables are named (not the test profile's olga, not dave)
        assertThat(LocalPasswordGuard.localPasswords(config, LaunchMode.NORMAL))
                .containsExactly("BRIGADE_MONITOR_REGISTRY_PASSWORD", "BRIGADE_REGISTRY_RITA_PASSWORD");
    }

    @Test
    void aLocalDefaultSetExplicitlyIsRefusedToo() {
        // Given every password set, one of them to another station's public default
        Config config = config(SHIPPED, Map.of("BRIGADE_REGISTRY_RITA_PASSWORD", "r1ta-secret",
                "BRIGADE_REGISTRY_DAVE_PASSWORD", "dave-local", "BRIGADE_MONITOR_REGISTRY_PASSWORD", "m0n-secret"));

        // Then the variable is named once, whether found by its own name or through the property that reads it
        assertThat(LocalPasswordGuard.localPasswords(config, LaunchMode.NORMAL))
                .containsExactly("BRIGADE_REGISTRY_DAVE_PASSWORD");
    }

    @Test
    void anyPasswordPropertyCountsAndAPlainOneIsNamedInItsEnvironmentForm() {
        // Given a Kafka password written straight into the configuration, no expression
        Map<String, String> properties = new HashMap<>(Map.of("kafka.sasl.password", "kafka-local"));

        // Then its environment form is named
        assertThat(LocalPasswordGuard.localPasswords(config(properties, Map.of()), LaunchMode.NORMAL))
                .containsExactly("KAFKA_SASL_PASSWORD");
    }

    @Test
    void secretsOfYourOwnPass() {
        Config config = config(SHIPPED, Map.of("BRIGADE_REGISTRY_RITA_PASSWORD", "correct horse",
                "BRIGADE_REGISTRY_DAVE_PASSWORD", "battery staple", "BRIGADE_MONITOR_REGISTRY_PASSWORD", "local"));

        assertThat(LocalPasswordGuard.localPasswords(config, LaunchMode.NORMAL)).isEmpty();
    }

    @Test
    void devTestAndDeclaredLocalRunsAreLeftAlone() {
        assertThat(LocalPasswordGuard.localPasswords(config(SHIPPED, Map.of()), LaunchMode.DEVELOPMENT)).isEmpty();
        assertThat(LocalPasswordGuard.localPasswords(config(SHIPPED, Map.of()), LaunchMode.TEST)).isEmpty();
        assertThat(LocalPasswordGuard.localPasswords(config(SHIPPED, Map.of("BRIGADE_LOCAL_RUN", "true")),
                LaunchMode.NORMAL)).isEmpty();
        assertThat(LocalPasswordGuard.localPasswords(config(SHIPPED, Map.of("BRIGADE_LOCAL_RUN", "false")),
                LaunchMode.NORMAL)).hasSize(3);
    }

    @Test
    void theRefusalIsOneLineNamingTheVariables() {
        String message = LocalPasswordGuard.refusal(List.of("BRIGADE_REGISTRY_RITA_PASSWORD"));

        assertThat(message).doesNotContain("\n").contains("BRIGADE_REGISTRY_RITA_PASSWORD holds", "BRIGADE_LOCAL_RUN=true");
    }

    private static Config config(Map<String, String> properties, Map<String, String> environment) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250),
                        new EnvConfigSource(environment, 300))
                .build();
    }
}
