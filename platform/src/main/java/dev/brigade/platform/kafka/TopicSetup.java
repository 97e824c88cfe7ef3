package dev.brigade.platform.kafka;

import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.brigade.events.topics.TopicProvisioner;
import io.quarkus.runtime.StartupEvent;

/**
 * Ensures the topic catalogue, under the install's names ({@link TopicNames}), before the station's consumers start
 * (idempotent; every station may run it). Asking for the names here also refuses a bad BRIGADE_TOPIC_PREFIX at
 * start, ensured or not.
 */
@Singleton
public class TopicSetup {

    void ensureTopics(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start,
            KafkaTopicsConfig topics, TopicNames names, KafkaClients clients,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "brigade") String application) {
        if (!topics.ensure()) {
            return;
        }
        try (Admin admin = clients.admin(application + "-topic-setup",
                Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) topics.timeout().toMillis()))) {
            new TopicProvisioner(admin, topics.replicationFactor(), names.physicalKeys(topics.partitions()),
                    topics.timeout()).ensure(names.catalogue());
        }
    }
}
