package dev.brigade.monitor.service;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.brigade.events.AlertEvent;
import dev.brigade.events.DriftEvent;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.config.MonitorConfig;
import dev.brigade.monitor.streams.MonitorStreams;
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
    private final String bootstrapServers;
    private final List<TopicReplay<?>> replays = new ArrayList<>();
    private volatile TopicReplay<RegistryEvent> registryReplay;

    StationLifecycle(MonitorConfig config, RegistryView registry, TrainingRunsView runs, AlertLog alerts,
            MonitorStreams streams, AlertActions actions,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.registry = registry;
        this.runs = runs;
        this.alerts = alerts;
        this.streams = streams;
        this.actions = actions;
        this.bootstrapServers = bootstrapServers;
    }

    void start(@Observes StartupEvent start) throws InterruptedException {
        registryReplay = new TopicReplay<>(bootstrapServers, Topics.REGISTRY_EVENTS, RegistryEvent.class,
                registry::apply).start();
        replays.add(registryReplay);
        // The monitor follows training-runs for good (training reads it only at its start): it owns the dead letters
        replays.add(new TopicReplay<>(bootstrapServers, Topics.TRAINING_RUNS, TrainingRunEvent.class, runs::apply)
                .ownDeadLetters(bootstrapServers).start());
        replays.add(new TopicReplay<>(bootstrapServers, Topics.ALERTS, AlertEvent.class, alerts::apply).start());
        replays.add(new TopicReplay<>(bootstrapServers, Topics.DRIFT_EVENTS, DriftEvent.class, alerts::apply)
                .start());
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

    public boolean registryCaughtUp() {
        TopicReplay<RegistryEvent> r = registryReplay;
        return r != null && r.caughtUp();
    }
}
