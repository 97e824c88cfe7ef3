package dev.brigade.serving.config;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One Vert.x event loop per CPU the JVM may use (cgroup limit or affinity), instead of Quarkus' two per CPU. Scoring
 * never blocks its event loop, so a second loop per CPU only takes turns with the first: on one CPU, two loops cost
 * the score path about 2.5 context switches per request and 1.7x its CPU (serving bench, 168 against 97 us a
 * request). Below application.properties and the environment: QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE still wins.
 */
public class EventLoopsPerCpu implements ConfigSource {

    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public String getValue(String propertyName) {
        return getProperties().get(propertyName);
    }

    @Override
    public String getName() {
        return "brigade-event-loops-per-cpu";
    }

    @Override
    public int getOrdinal() {
        return 200; // application.properties is 250, the environment 300
    }
}
