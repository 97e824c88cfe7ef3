package dev.brigade.monitor.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.avro.specific.SpecificRecord;
import org.jboss.logging.Logger;

import dev.brigade.events.AlertEvent;
import dev.brigade.events.DriftEvent;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.config.MonitorConfig;
import dev.brigade.monitor.streams.MonitorStreams;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.platform.kafka.signing.SignatureGate;
import dev.brigade.platform.kafka.signing.SigningKeys;
import dev.brigade.platform.kafka.TopicNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Start-up order: the views replay their topics; once the registry view caught up (the windows need the reference
 * profiles and the rules), the Streams app starts, then the alert actions. Shutdown in reverse.
 *
 * <p>registry-events is folded only when signed by a trusted key (platform's {@link SignatureGate}; certificates
 * from BRIGADE_SIGNING_TRUSTED_CERTS, without which the station stops at start naming it): a forged record changes
 * no rule, owner or reference profile; it is counted, logged and sent to registry-events.dlq.
 */
@ApplicationScoped
public class StationLifecycle {

    private static final Logger LOG = Logger.getLogger(StationLifecycle.class);

    private final MonitorConfig config;
    private final RegistryView registry;
    private final TrainingRunsView runs;
    private final AlertLog alerts;
    private final MonitorStreams streams;
    private final AlertActions actions;
    private final KafkaClients clients;
    private final SigningKeys keys;
    private final MeterRegistry meters;
    private final TopicNames names;
    private final List<TopicReplay<?>> replays = new ArrayList<>();
    private volatile TopicReplay<RegistryEvent> registryReplay;
    private volatile SignatureGate registryGate;

    StationLifecycle(MonitorConfig config, RegistryView registry, TrainingRunsView runs, AlertLog alerts,
            MonitorStreams streams, AlertActions actions, KafkaClients clients, SigningKeys keys,
            MeterRegistry meters, TopicNames names) {
        this.names = names;
        this.config = config;
        this.registry = registry;
        this.runs = runs;
        this.alerts = alerts;
        this.streams = streams;
        this.actions = actions;
        this.clients = clients;
        this.keys = keys;
        this.meters = meters;
    }

    /**
     * Before anything else, TopicSetup included: without readable trusted certificates the station stops at once,
     * in one line naming BRIGADE_SIGNING_TRUSTED_CERTS, without first waiting for a broker.
     */
    void checkSigning(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start) {
        keys.verifier();
    }

    void start(@Observes StartupEvent start) throws InterruptedException {
        registryGate = SignatureGate.deadLettering(keys.verifier(), names.topic(Topics.REGISTRY_EVENTS), meters,
                clients, "monitor-registry-dead-letters").acceptingUnsignedBelow(keys.unsignedHistoryEnd());
        String name = "monitor-replay-" + Topics.REGISTRY_EVENTS;
        registryReplay = new TopicReplay<>(clients, name, names.topic(Topics.REGISTRY_EVENTS), RegistryEvent.class,
                registryGate.guard((event, record) -> registry.apply(event), RegistryEvent::getEventId));
        replays.add(registryReplay);
        registryReplay.start();
        // The monitor follows training-runs for good (training reads it only at its start): it owns the dead letters
        replay(Topics.TRAINING_RUNS, TrainingRunEvent.class, runs::apply).ownDeadLetters().start();
        replay(Topics.ALERTS, AlertEvent.class, alerts::apply).start();
        replay(Topics.DRIFT_EVENTS, DriftEvent.class, alerts::apply).start();
        if (!registryReplay.awaitCaughtUp(config.catchUpTimeout())) {
            LOG.warnf("registry-events not caught up after %s; starting the windows anyway (versions registered "
                    + "meanwhile are picked up as they arrive)", config.catchUpTimeout());
        }
        streams.start();
        actions.start(names.group(config.applicationId() + "-actions"));
    }

    void stop(@Observes ShutdownEvent stop) {
        actions.stop();
        streams.stop(false);
        replays.forEach(TopicReplay::close);
        if (registryGate != null) {
            registryGate.close();
        }
    }

    /** @param topic the logical topic; the replay reads the install's */
    private <T extends SpecificRecord> TopicReplay<T> replay(String topic, Class<T> type, Consumer<T> fold) {
        TopicReplay<T> replay = TopicReplay.of(clients, "monitor-replay-" + topic, names.topic(topic), type, fold);
        replays.add(replay);
        return replay;
    }

    public boolean registryCaughtUp() {
        TopicReplay<RegistryEvent> r = registryReplay;
        return r != null && r.caughtUp();
    }
}
