package dev.brigade.feature.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicProvisioner;
import io.quarkus.runtime.StartupEvent;

/** Ensures the topic catalogue before the messaging channels start consuming. */
@ApplicationScoped
public class TopicSetup {

    void ensureTopics(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start,
            KafkaTopicsConfig topics, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        if (topics.ensure()) {
            TopicProvisioner.ensure(bootstrapServers, topics.replicationFactor(), topics.timeout(),
                    TopicCatalog.all());
        }
    }
}
