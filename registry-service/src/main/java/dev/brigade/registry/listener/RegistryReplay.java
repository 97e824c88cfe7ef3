package dev.brigade.registry.listener;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.signing.SignatureGate;
import dev.brigade.platform.kafka.signing.SigningKeys;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.registry.service.RegistryMetrics;
import dev.brigade.registry.service.RegistryState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The service's replay of registry-events: starts once the topics exist, and holds the folded state every read
 * and every write decision uses.
 */
@ApplicationScoped
public class RegistryReplay {

    private final RegistryMetrics metrics;
    private final KafkaClients clients;
    private final MeterRegistry meters;
    private final SigningKeys keys;
    private final TopicNames names;
    private volatile RegistryLogReader reader;

    RegistryReplay(RegistryMetrics metrics, MeterRegistry meters, KafkaClients clients, SigningKeys keys,
            TopicNames names) {
        this.names = names;
        this.metrics = metrics;
        this.clients = clients;
        this.meters = meters;
        this.keys = keys;
        Gauge.builder("brigade.registry.replay.caught.up", this, r -> r.caughtUp() ? 1 : 0)
                .description("1 once the replay reached the end of registry-events taken at start")
                .register(meters);
        Gauge.builder("brigade.registry.use.cases", this, r -> r.reader == null ? 0 : r.state().snapshot().size())
                .description("Use cases in the folded state")
                .register(meters);
    }

    /**
     * After TopicSetup (PLATFORM_BEFORE), before the writer. Without trusted certificates the service stops here
     * (BRIGADE_SIGNING_TRUSTED_CERTS named in one line).
     */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) StartupEvent start) {
        SignatureGate signatures = SignatureGate.counting(keys.verifier(), names.topic(Topics.REGISTRY_EVENTS), meters)
                .acceptingUnsignedBelow(keys.unsignedHistoryEnd());
        RegistryLogReader started = new RegistryLogReader(clients, names.topic(Topics.REGISTRY_EVENTS), true,
                signatures, metrics);
        started.start();
        reader = started;
    }

    void stop(@Observes ShutdownEvent stop) {
        if (reader != null) {
            reader.close();
        }
    }

    public RegistryLogReader reader() {
        return reader;
    }

    public RegistryState state() {
        return reader.state();
    }

    public boolean caughtUp() {
        RegistryLogReader current = reader;
        return current != null && current.caughtUp();
    }
}
