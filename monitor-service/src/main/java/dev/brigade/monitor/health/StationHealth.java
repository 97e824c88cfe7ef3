package dev.brigade.monitor.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.brigade.monitor.service.StationLifecycle;
import dev.brigade.monitor.streams.MonitorStreams;

/** Ready when the registry view caught up and the Streams app runs (not while it restores or rebalances). */
@Readiness
@ApplicationScoped
public class StationHealth implements HealthCheck {

    private final MonitorStreams streams;
    private final StationLifecycle lifecycle;

    StationHealth(MonitorStreams streams, StationLifecycle lifecycle) {
        this.streams = streams;
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        boolean up = lifecycle.registryCaughtUp()
                && state == KafkaStreams.State.RUNNING;
        return HealthCheckResponse.named("monitor windows").status(up).withData("streams", state.name())
                .withData("registryViewCaughtUp", lifecycle.registryCaughtUp()).build();
    }
}
