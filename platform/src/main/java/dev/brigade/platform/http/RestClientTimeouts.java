package dev.brigade.platform.http;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * A REST client's deadline as a duration: {@code brigade.rest-client.<configKey>.timeout} (e.g. 2s, 500ms, usually
 * an expression naming the station's own setting) becomes {@code quarkus.rest-client.<configKey>.connect-timeout}
 * and {@code .read-timeout}, which the REST client takes in milliseconds. The REST client's own timeouts, not Fault
 * Tolerance's per-method keys, because those are keyed by a generated bean class name. Registered in
 * META-INF/services, so every station that has REST clients gets it.
 */
public class RestClientTimeouts implements ConfigSourceFactory {

    private static final Pattern KEY = Pattern.compile("brigade\\.rest-client\\.(\"[^\"]+\"|[^.\"]+)\\.timeout");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> timeouts = new TreeMap<>();
        for (var names = context.iterateNames(); names.hasNext();) {
            Matcher m = KEY.matcher(names.next());
            ConfigValue value = m.matches() ? context.getValue(m.group()) : null;
            if (value != null && value.getValue() != null && !value.getValue().isBlank()) {
                String millis = String.valueOf(DurationConverter.parseDuration(value.getValue().trim()).toMillis());
                timeouts.put("quarkus.rest-client." + m.group(1) + ".connect-timeout", millis);
                timeouts.put("quarkus.rest-client." + m.group(1) + ".read-timeout", millis);
            }
        }
        return List.of(new PropertiesConfigSource(timeouts, "brigade-rest-client-timeouts", 150));
    }
}
