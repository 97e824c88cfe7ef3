package dev.brigade.serving.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import dev.brigade.serving.listener.RegistryFollower;
import dev.brigade.serving.service.ModelStore;

/** Ready once registry-events is folded up to where it was at start and every named champion was tried. */
@ApplicationScoped
public class ServingHealthChecks {

    private final RegistryFollower follower;
    private final ModelStore models;

    ServingHealthChecks(RegistryFollower follower, ModelStore models) {
        this.follower = follower;
        this.models = models;
    }

    @Readiness
    HealthCheck modelsReady() {
        return () -> HealthCheckResponse.named("serving models")
                .status(follower.caughtUp() && models.championsSettled())
                .withData("registryEventsCaughtUp", follower.caughtUp())
                .withData("championsSettled", models.championsSettled())
                .withData("registryEventsApplied", follower.applied())
                .withData("registryEventsSkipped", follower.skipped())
                .build();
    }

    @Liveness
    HealthCheck followerAlive() {
        return () -> HealthCheckResponse.named("registry-events follower").status(follower.alive()).build();
    }
}
