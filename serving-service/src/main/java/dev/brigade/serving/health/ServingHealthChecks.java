package dev.brigade.serving.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import dev.brigade.serving.listener.RegistryFollower;
import dev.brigade.serving.service.BatchJobs;
import dev.brigade.serving.service.ModelStore;

/** Ready once registry-events is folded up to where it was at start and every named champion was tried. */
@ApplicationScoped
public class ServingHealthChecks {

    private final RegistryFollower follower;
    private final ModelStore models;
    private final BatchJobs jobs;

    ServingHealthChecks(RegistryFollower follower, ModelStore models, BatchJobs jobs) {
        this.follower = follower;
        this.models = models;
        this.jobs = jobs;
    }

    /** Every replica answers GET /v1/batch-jobs the same only once its view of batch-jobs caught up. */
    @Readiness
    HealthCheck batchJobsReady() {
        return () -> HealthCheckResponse.named("batch jobs view")
                .status(jobs.viewCaughtUp())
                .withData("batchJobsCaughtUp", jobs.viewCaughtUp())
                .withData("ownedPartitions", jobs.ownedPartitions().stream().sorted().toList().toString())
                .build();
    }

    @Liveness
    HealthCheck batchJobsAlive() {
        return () -> HealthCheckResponse.named("batch-jobs view").status(jobs.viewAlive()).build();
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
