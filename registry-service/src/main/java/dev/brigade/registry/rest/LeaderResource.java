package dev.brigade.registry.rest;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.brigade.registry.ActiveInstance;
import dev.brigade.registry.service.Leadership;

/** Which instance is active, as this instance sees it: compare the answers of two instances. */
@Path("/v1/registry/leader")
@Produces(MediaType.APPLICATION_JSON)
public class LeaderResource {

    /** This instance, its role, and the active instance it sends writes to (itself when active). */
    public record LeaderView(String instanceId, String url, String role, Active active) {
    }

    public record Active(String instanceId, String url, Instant since, int epoch, String writerId) {

        static Active of(ActiveInstance a) {
            return new Active(a.instanceId(), a.url(), a.since(), a.epoch(), a.writerId());
        }
    }

    private final Leadership leadership;

    LeaderResource(Leadership leadership) {
        this.leadership = leadership;
    }

    @GET
    @Operation(summary = "this instance's role (ACTIVE or STANDBY) and the active registry instance")
    public LeaderView leader() {
        Leadership.View view = leadership.view();
        Active active = view.active() ? view.activeInstance().map(Active::of).orElse(null)
                : view.elsewhere().map(Active::of).orElse(null);
        return new LeaderView(view.self().instanceId(), view.self().url(), view.active() ? "ACTIVE" : "STANDBY",
                active);
    }
}
