package dev.brigade.monitor.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Start-up order: the views replay their topics; once the registry view caught up (the windows need the reference
 * profiles and the rules), the Streams app starts, then the alert actions. Shutdown in reverse.
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
    private final List<TopicReplay<?>> replays = new ArrayList<>();
    private volatile TopicReplay<RegistryEvent> registryReplay;

    StationLifecycle(MonitorConfig config, RegistryView registry, TrainingRunsView runs, AlertLog alerts,
            MonitorStreams streams, AlertActions actions, KafkaClients clients) {
        this.config = config;
        this.registry = registry;
        this.runs = runs;
        this.alerts = alerts;
        this.streams = streams;
        this.actions = actions;
        this.clients = clients;
    }

    void start(@Observes StartupEvent start) throws InterruptedException {
        registryReplay = replay(Topics.REGISTRY_EVENTS, RegistryEvent.class, registry::apply).start();
        // The monitor follows training-runs for good (training reads it only at its start): it owns the dead letters
        replay(Topics.TRAINING_RUNS, TrainingRunEvent.class, runs::apply).ownDeadLetters().start();
        replay(Topics.ALERTS, AlertEvent.class, alerts::apply).start();
        replay(Topics.DRIFT_EVENTS, DriftEvent.class, alerts::apply).start();
        if (!registryReplay.awaitCaughtUp(config.catchUpTimeout())) {
            LOG.warnf("registry-events not caught up after %s; starting the windows anyway (versions registered "
                    + "meanwhile are picked up as they arrive)", config.catchUpTimeout());
        }
        streams.start();
        actions.start(config.applicationId() + "-actions");
    }

    void stop(@Observes ShutdownEvent stop) {
        actions.stop();
        streams.stop(false);
        replays.forEach(TopicReplay::close);
    }

    private <T extends SpecificRecord> TopicReplay<T> replay(String topic, Class<T> type, Consumer<T> fold) {
        TopicReplay<T> replay = TopicReplay.of(clients, "monitor-replay-" + topic, topic, type, fold);
        replays.add(replay);
        return replay;
    }

    public boolean registryCaughtUp() {
        TopicReplay<RegistryEvent> r = registryReplay;
        return r != null && r.caughtUp();
    }
}
