package dev.brigade.feature.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.config.FeatureServiceConfig;
import dev.brigade.feature.mapping.FeatureSetParser;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Brings the station up in order, right after the topics exist: the feature-set catalogue, the intake app, one app
 * per registered version (now and whenever one is registered), then the shipped feature sets if missing.
 */
@ApplicationScoped
public class StationLifecycle {

    private static final Logger LOG = Logger.getLogger(StationLifecycle.class);

    private final FeatureServiceConfig config;
    private final FeatureSetCatalog catalog;
    private final StationApps streams;
    private final FeatureSetService featureSets;

    StationLifecycle(FeatureServiceConfig config, FeatureSetCatalog catalog, StationApps streams,
            FeatureSetService featureSets) {
        this.config = config;
        this.catalog = catalog;
        this.streams = streams;
        this.featureSets = featureSets;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) StartupEvent event) {
        catalog.start(Duration.ofSeconds(30));
        streams.startIntake();
        catalog.onRegistered(set -> streams.startVersion(set.definition()));
        if (config.registerShippedFeatureSets()) {
            config.shippedFeatureSets().forEach(this::registerShipped);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        streams.stop();
        catalog.stop();
    }

    private void registerShipped(String resource) {
        String yaml = read(resource);
        FeatureSetDefinition set = FeatureSetParser.parse(yaml).definition()
                .orElseThrow(() -> new IllegalStateException("shipped feature set " + resource + " is invalid"));
        FeatureSetService.Outcome outcome = featureSets.register(set.name(), set.version(), yaml, "feature-service");
        if (outcome instanceof FeatureSetService.Outcome.Conflict) {
            LOG.warnf("Shipped feature set %s differs from the registered one; the registered one stays", set.id());
        }
    }

    private static String read(String resource) {
        try (InputStream in = StationLifecycle.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("shipped feature set " + resource + " not found");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
