package dev.brigade.platform.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.common.annotation.Identifier;

/**
 * One {@link KafkaSettings} per station, feeding both its raw clients ({@link KafkaClients}) and its SmallRye
 * messaging channels (the {@code default-kafka-broker} map, which replaces the Quarkus default), so a property set
 * once reaches every client.
 */
@Singleton
public class KafkaClientsProducer {

    @Produces
    @Singleton
    KafkaSettings settings(Config config) {
        return KafkaSettings.from(config);
    }

    @Produces
    @Singleton
    KafkaClients clients(KafkaSettings settings, Instance<MeterRegistry> meters) {
        return new KafkaClients(settings, meters.isResolvable() ? meters.get() : null);
    }

    /** The install's names; a bad BRIGADE_TOPIC_PREFIX stops the station at start with one line naming it. */
    @Produces
    @Singleton
    TopicNames names(KafkaTopicsConfig topics) {
        try {
            return new TopicNames(topics.prefix().orElse(""));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    /** What every messaging channel starts from: the same client properties and client-id prefix. */
    @Produces
    @Singleton
    @Identifier("default-kafka-broker")
    Map<String, Object> channelDefaults(KafkaSettings settings, TopicNames names,
            @ConfigProperty(name = "quarkus.application.name") Optional<String> application) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        settings.clientIdPrefix().ifPresent(prefix -> props.put("client-id-prefix", prefix + "-"));
        application.ifPresent(name -> props.put(CommonClientConfigs.GROUP_ID_CONFIG, names.group(name)));
        return props;
    }
}
