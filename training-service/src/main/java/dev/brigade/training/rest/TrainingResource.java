package dev.brigade.training.rest;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.Hyperparameters;
import dev.brigade.training.RunRecord;
import dev.brigade.training.TrainingRequest;
import dev.brigade.training.service.RunStore;
import dev.brigade.training.service.TrainingCoordinator;

/** Manual training requests and the run records. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class TrainingResource {

    /** The registry's rule for use-case names; anything else cannot be a use case. */
    private static final Pattern USE_CASE = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

    @Inject
    TrainingCoordinator coordinator;
    @Inject
    RunStore store;

    private final Clock clock = Clock.systemUTC();

    /** Body of a manual request; both fields optional. */
    public record TrainingRequestBody(Map<String, String> hyperparameterOverrides, String requestedBy) {
    }

    /**
     * Asks for a run of the use case, as a MANUAL request. 202 with the run record (new, or the live run it
     * coalesced into); the policy decides when the run starts, and the record says how it ended.
     */
    @POST
    @Path("/use-cases/{name}/trainings")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response request(@PathParam("name") String name, TrainingRequestBody body) {
        if (!USE_CASE.matcher(name).matches()) {
            return Problem.response(422, "validation", "Invalid use-case name", "the name must match "
                    + USE_CASE.pattern(), List.of(new Problem.FieldError("name", "must match " + USE_CASE)));
        }
        Map<String, String> overrides = body == null || body.hyperparameterOverrides() == null ? Map.of()
                : body.hyperparameterOverrides();
        try {
            Hyperparameters.defaults().withOverrides(overrides);
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().startsWith("unknown hyperparameter ") ? "hyperparameterOverrides"
                    : "hyperparameterOverrides." + e.getMessage().substring(0, e.getMessage().indexOf(':'));
            return Problem.response(422, "validation", "Invalid hyperparameters", e.getMessage(),
                    List.of(new Problem.FieldError(field, e.getMessage())));
        }
        TrainingRequest request = new TrainingRequest("manual-" + UUID.randomUUID(), name, TrainingReason.MANUAL,
                null, clock.instant(), body == null ? null : body.requestedBy(), overrides);
        RunRecord run = coordinator.submit(request);
        return Response.accepted(run).location(URI.create("/v1/runs/" + run.runId())).build();
    }

    /** Run records, newest first; {@code ?useCase=} narrows them to one use case. */
    @GET
    @Path("/runs")
    public List<RunRecord> runs(@QueryParam("useCase") String useCase) {
        return store.list(useCase);
    }

    @GET
    @Path("/runs/{id}")
    public Response run(@PathParam("id") String id) {
        return store.get(id).map(r -> Response.ok(r).build())
                .orElseGet(() -> Problem.response(404, "not-found", "No such run", "no run " + id
                        + " on this instance", List.of()));
    }
}
