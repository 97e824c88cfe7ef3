package dev.brigade.monitor.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * The peers' timeouts stay durations under brigade.monitor.registry.timeout / features.timeout (defaults in
 * MonitorConfig and in the clients' @Timeout). Fault Tolerance reads milliseconds per method of the REST client's
 * bean, the generated {@code <interface>$$CDIWrapper}, so a duration that is set is handed on as those (registered
 * in META-INF/services).
 */
public class TimeoutSettings implements ConfigSourceFactory {

    private static final Map<String, List<String>> METHODS = Map.of(
            "brigade.monitor.registry.timeout", List.of("RegistryClient/rollback", "RegistryClient/moveAlias",
                    "RegistryReads/stages", "RegistryReads/version"),
            "brigade.monitor.features.timeout", List.of("FeatureServiceClient/contract"));

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> out = new HashMap<>();
        METHODS.forEach((key, methods) -> {
            ConfigValue value = context.getValue(key);
            if (value != null && value.getValue() != null && !value.getValue().isBlank()) {
                String millis = String.valueOf(DurationConverter.parseDuration(value.getValue()).toMillis());
                methods.forEach(m -> out.put("quarkus.fault-tolerance.\"dev.brigade.monitor.client."
                        + m.replace("/", "$$CDIWrapper/") + "\".timeout.value", millis));
            }
        });
        return List.of(new PropertiesConfigSource(out, "brigade-monitor-timeouts", 150));
    }
}
