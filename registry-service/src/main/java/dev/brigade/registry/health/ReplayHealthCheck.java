package dev.brigade.registry.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.brigade.registry.listener.RegistryLogReader;
import dev.brigade.registry.listener.RegistryReplay;
import dev.brigade.registry.service.Leadership;
import dev.brigade.registry.service.WritePath;

/**
 * Ready when the state is whole and writes have somewhere to go: the replay reached the end of registry-events taken
 * at start and is still running, and this instance is the active one (its writer not fenced) or knows the active
 * one to forward writes to. The data says which: role, and the active instance's id, URL, epoch and since.
 */
@Readiness
@ApplicationScoped
public class ReplayHealthCheck implements HealthCheck {

    private final RegistryReplay replay;
    private final WritePath writes;
    private final Leadership leadership;

    ReplayHealthCheck(RegistryReplay replay, WritePath writes, Leadership leadership) {
        this.replay = replay;
        this.writes = writes;
        this.leadership = leadership;
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
        Leadership.View view = leadership.view();
        boolean writesGoSomewhere = view.active() && !fenced || view.elsewhere().isPresent();
        String state = fenced ? "fenced by another registry instance"
                : !status.running() ? "stopped" : !status.caughtUp() ? "replaying"
                : writesGoSomewhere ? "caught up" : "no active registry instance known";
        response.status(status.running() && status.caughtUp() && writesGoSomewhere)
                .withData("state", state)
                .withData("role", view.active() ? "ACTIVE" : "STANDBY")
                .withData("instance", view.self().instanceId());
        (view.active() ? view.activeInstance() : view.elsewhere()).ifPresent(active -> response
                .withData("activeInstance", active.instanceId())
                .withData("activeUrl", active.url())
                .withData("leaderEpoch", active.epoch())
                .withData("activeSince", active.since().toString()));
        response
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
