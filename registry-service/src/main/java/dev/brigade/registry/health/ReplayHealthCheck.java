package dev.brigade.registry.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.brigade.registry.listener.RegistryLogReader;
import dev.brigade.registry.listener.RegistryReplay;
import dev.brigade.registry.service.WritePath;

/**
 * Ready only when the state is whole and this instance may write: the replay reached the end of registry-events
 * taken at start and is still running, and the writer has not been fenced by another instance.
 */
@Readiness
@ApplicationScoped
public class ReplayHealthCheck implements HealthCheck {

    private final RegistryReplay replay;
    private final WritePath writes;

    ReplayHealthCheck(RegistryReplay replay, WritePath writes) {
        this.replay = replay;
        this.writes = writes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("registry-events replay");
        RegistryLogReader reader = replay.reader();
        if (reader == null) {
            return response.down().withData("state", "not started").build();
        }
        RegistryLogReader.Status status = reader.status();
        boolean fenced = writes.fenced();
        String state = fenced ? "fenced by another registry instance"
                : !status.running() ? "stopped" : status.caughtUp() ? "caught up" : "replaying";
        response.status(status.running() && status.caughtUp() && !fenced)
                .withData("state", state)
                .withData("applied", status.applied())
                .withData("refused", status.refused())
                .withData("positions", status.positions().toString())
                .withData("endOffsetsAtStart", status.startEndOffsets().toString());
        if (status.lastFailure() != null) {
            response.withData("lastFailure", status.lastFailure());
        }
        return response.build();
    }
}
