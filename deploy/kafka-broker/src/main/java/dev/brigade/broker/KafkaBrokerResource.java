package dev.brigade.broker;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the JVM's {@link SharedKafkaBroker}:
 * {@code @QuarkusTestResource(KafkaBrokerResource.class)} or {@code @WithTestResource(KafkaBrokerResource.class)}.
 * Remember {@code quarkus.kafka.devservices.enabled=false}, or Quarkus tries to start a container as well.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", SharedKafkaBroker.bootstrapServers());
    }

    @Override
    public void stop() {
        // The shared broker outlives each test class and is stopped by its shutdown hook, when the JVM ends.
    }
}
