package dev.brigade.training.rest;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import dev.brigade.events.TrainingReason;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.Problem;
import dev.brigade.training.Hyperparameters;
import dev.brigade.training.RunRecord;
import dev.brigade.training.TrainingRequest;
import dev.brigade.training.client.RegistryClient;
import dev.brigade.training.service.RunStore;
import dev.brigade.training.service.TrainingCoordinator;
import io.quarkus.security.identity.SecurityIdentity;

/** Manual training requests and the run records. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class TrainingResource {

    private static final Logger LOG = Logger.getLogger(TrainingResource.class);

    /** How long a request waits for the registry to say whether the use case exists before it is taken anyway. */
    private static final long USE_CASE_CHECK_SECONDS = 2;

    /** The registry's rule for use-case names; anything else cannot be a use case. */
    private static final Pattern USE_CASE = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

    /** Asks for training runs: each one takes the training worker for minutes and can end in a candidate version. */
    public static final String TRAINER = "trainer";

    private final TrainingCoordinator coordinator;
    private final RunStore store;
    private final SecurityIdentity identity;
    private final RegistryClient registry;
    private final Clock clock = Clock.systemUTC();

    TrainingResource(TrainingCoordinator coordinator, RunStore store, SecurityIdentity identity,
            RegistryClient registry) {
        this.coordinator = coordinator;
        this.store = store;
        this.identity = identity;
        this.registry = registry;
    }

    /** Body of a manual request, optional; who asked is the authenticated caller, never a body field. */
    public record TrainingRequestBody(Map<String, String> hyperparameterOverrides) {
    }

    /**
     * Asks for a run of the use case, as a MANUAL request. 202 with the run record (new, or the live run it
     * coalesced into); the policy decides when the run starts, and the record says how it ended.
     */
    @POST
    @Path("/use-cases/{name}/trainings")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(TRAINER)
    @Operation(summary = "Ask for a training run of the use case", description = "Needs the trainer role; the "
            + "caller is logged with the request id, which the run record lists. 404 when the registry does not know "
            + "the use case; when the registry cannot say within " + USE_CASE_CHECK_SECONDS + " s, the request is "
            + "taken and the run reports it.")
    public Response request(@PathParam("name") String name, TrainingRequestBody body) {
        if (!USE_CASE.matcher(name).matches()) {
            return Problem.of(422, "validation", "Invalid use-case name", "the name must match "
                    + USE_CASE.pattern(), List.of(new FieldError("name", "must match " + USE_CASE))).response();
        }
        Map<String, String> overrides = body == null || body.hyperparameterOverrides() == null ? Map.of()
                : body.hyperparameterOverrides();
        try {
            Hyperparameters.defaults().withOverrides(overrides);
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().startsWith("unknown hyperparameter ") ? "hyperparameterOverrides"
                    : "hyperparameterOverrides." + e.getMessage().substring(0, e.getMessage().indexOf(':'));
            return Problem.of(422, "validation", "Invalid hyperparameters", e.getMessage(),
                    List.of(new FieldError(field, e.getMessage()))).response();
        }
        if (registry.knows(name, Duration.ofSeconds(USE_CASE_CHECK_SECONDS)).equals(Optional.of(false))) {
            // A typo answered now, not by a run that fails a moment later.
            return Problem.of(404, "not-found", "No such use case", "use case " + name + " is not registered "
                    + "in the registry", List.of(new FieldError("name", "is not a registered use case"))).response();
        }
        String caller = identity.getPrincipal().getName();
        TrainingRequest request = new TrainingRequest("manual-" + UUID.randomUUID(), name, TrainingReason.MANUAL,
                null, clock.instant(), caller, overrides);
        RunRecord run = coordinator.submit(request);
        LOG.infof("Manual training request %s for %s from %s: run %s", request.requestId(), name, caller,
                run.runId());
        return Response.accepted(run).location(URI.create("/v1/runs/" + run.runId())).build();
    }

    /**
     * Run records of every training instance (the shared view of training-run-state), newest first; {@code ?useCase=}
     * narrows them to one use case.
     */
    @GET
    @Path("/runs")
    public List<RunRecord> runs(@QueryParam("useCase") String useCase) {
        return store.list(useCase);
    }

    @GET
    @Path("/runs/{id}")
    public Response run(@PathParam("id") String id) {
        return store.get(id).map(r -> Response.ok(r).build())
                .orElseGet(() -> Problem.of(404, "not-found", "No such run",
                        "no run " + id + " is known to the training instances", List.of()).response());
    }
}
