package dev.brigade.serving.config;

import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

/**
 * One Vert.x event loop per CPU the JVM may use (cgroup limit or affinity), instead of Quarkus' two per CPU. Scoring
 * never blocks its event loop, so a second loop per CPU only takes turns with the first: on one CPU, two loops cost
 * the score path about 2.5 context switches per request and 1.7x its CPU (serving bench, 168 against 97 us a
 * request). Below application.properties and the environment: QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE still wins.
 */
public class EventLoopsPerCpu extends MapBackedConfigSource {

    public EventLoopsPerCpu() {
        // Ordinal 200: application.properties is 250, the environment 300.
        super("brigade-event-loops-per-cpu", Map.of("quarkus.vertx.event-loops-pool-size",
                Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors()))), 200);
    }
}
