package dev.brigade.training.service;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.brigade.training.RunRecord;
import dev.brigade.training.config.TrainingConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Loads earlier runs from training-runs at start-up, after the topics exist and before the channels deliver the
 * first request, so the retraining policy decides with the whole history.
 */
@ApplicationScoped
public class RunHistoryLoader {

    private static final Logger LOG = Logger.getLogger(RunHistoryLoader.class);

    void load(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent start, RunStore store,
            TrainingConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        List<RunRecord> runs = RunHistory.read(bootstrapServers, config.dataset().readTimeout());
        runs.forEach(store::put);
        LOG.infof("Loaded %d earlier runs from training-runs", runs.size());
    }
}
