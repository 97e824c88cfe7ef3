package dev.brigade.training.config;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * brigade.training.registry.timeout is a duration (30s); the REST client and Fault Tolerance take milliseconds. This
 * hands it on as theirs (registered in META-INF/services): the @Timeout of every registry call (the only ones in
 * this service) and the client's connect and read timeouts.
 */
public class RegistryTimeouts implements ConfigSourceFactory {

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue configured = context.getValue("brigade.training.registry.timeout");
        String millis = String.valueOf(DurationConverter.parseDuration(
                configured.getValue() == null ? "30s" : configured.getValue()).toMillis());
        return List.of(new PropertiesConfigSource(Map.of("quarkus.fault-tolerance.global.timeout.value", millis,
                "quarkus.fault-tolerance.global.timeout.unit", "millis",
                "quarkus.rest-client.registry.connect-timeout", millis,
                "quarkus.rest-client.registry.read-timeout", millis), "brigade-training-registry-timeouts", 150));
    }
}
