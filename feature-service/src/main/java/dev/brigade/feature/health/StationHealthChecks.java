package dev.brigade.feature.health;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import dev.brigade.feature.service.FeatureSetCatalog;
import dev.brigade.feature.streams.FeatureStreams;

/** Ready when the catalogue is loaded and every Streams app serves; alive unless an app died. */
@ApplicationScoped
public class StationHealthChecks {

    private static final Set<KafkaStreams.State> SERVING = EnumSet.of(KafkaStreams.State.RUNNING,
            KafkaStreams.State.REBALANCING);
    private static final Set<KafkaStreams.State> DEAD = EnumSet.of(KafkaStreams.State.ERROR,
            KafkaStreams.State.PENDING_ERROR);

    private final FeatureSetCatalog catalog;
    private final FeatureStreams streams;

    StationHealthChecks(FeatureSetCatalog catalog, FeatureStreams streams) {
        this.catalog = catalog;
        this.streams = streams;
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            Map<String, KafkaStreams.State> states = streams.states();
            boolean up = catalog.isCaughtUp() && !states.isEmpty()
                    && states.values().stream().allMatch(SERVING::contains);
            return withStates(HealthCheckResponse.named("feature streams").status(up)
                    .withData("catalog", catalog.isCaughtUp() ? "loaded" : "loading"), states).build();
        };
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> {
            Map<String, KafkaStreams.State> states = streams.states();
            boolean up = states.values().stream().noneMatch(DEAD::contains);
            return withStates(HealthCheckResponse.named("feature streams alive").status(up), states).build();
        };
    }

    private static HealthCheckResponseBuilder withStates(HealthCheckResponseBuilder builder,
            Map<String, KafkaStreams.State> states) {
        states.forEach((app, state) -> builder.withData(app, state.name()));
        return builder;
    }
}
