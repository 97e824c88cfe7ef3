package dev.brigade.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class RestClientTimeoutsTest {

    @Test
    void aDurationBecomesTheClientsConnectAndReadTimeoutInMilliseconds() {
        // Given a station's own timeout setting (with a profile value) and the REST client deadlines naming it
        SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile("test")
                .withSources(new PropertiesConfigSource(Map.of(
                        "brigade.station.registry.timeout", "10s",
                        "%test.brigade.station.registry.timeout", "1500ms",
                        "brigade.rest-client.registry.timeout", "${brigade.station.registry.timeout}",
                        "brigade.rest-client.\"feature-service\".timeout", "${brigade.station.features.timeout:2m}",
                        "brigade.rest-client.pager.timeout", ""), "application", 250))
                .withSources(new RestClientTimeouts())
                .build();

        // Then each configured client gets milliseconds, expressions and profiles resolved as everywhere else
        assertThat(config.getValue("quarkus.rest-client.registry.read-timeout", Long.class)).isEqualTo(1_500L);
        assertThat(config.getValue("quarkus.rest-client.registry.connect-timeout", Long.class)).isEqualTo(1_500L);
        assertThat(config.getValue("quarkus.rest-client.\"feature-service\".read-timeout", Long.class))
                .isEqualTo(120_000L);

        // And a blank deadline leaves the REST client's own default in place
        assertThat(config.getOptionalValue("quarkus.rest-client.pager.read-timeout", Long.class)).isEmpty();
    }
}
