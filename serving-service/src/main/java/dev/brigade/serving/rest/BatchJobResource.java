package dev.brigade.serving.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.ProblemException;
import dev.brigade.serving.BatchJob;
import dev.brigade.serving.Names;
import dev.brigade.serving.service.BatchJobs;
import io.quarkus.security.identity.SecurityIdentity;

/** One-off batch jobs over past feature vectors: start (deployer), follow, cancel (deployer). */
@Path("/v1/batch-jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "batch jobs", description = "Score a time range of past events with a loaded model, to the scores topic")
public class BatchJobResource {

    /** Starting and cancelling batch jobs: they write scores to a production topic. */
    public static final String DEPLOYER = "deployer";

    private static final List<String> FIELDS = List.of("useCase", "from", "to", "version");
    private static final long MAX_BODY = 4096;

    private final BatchJobs jobs;
    private final SecurityIdentity identity;

    BatchJobResource(BatchJobs jobs, SecurityIdentity identity) {
        this.jobs = jobs;
        this.identity = identity;
    }

    @POST
    @RolesAllowed(DEPLOYER)
    @Operation(summary = "Start a batch job",
            description = "Body {useCase, from, to, version?} (ISO instants, [from, to)). Scores the feature "
                    + "vectors the feature-service computed for events in the range (the model's feature set and "
                    + "version) with the champion, or the given loaded version, and produces ScoreProduced with the "
                    + "job id on scores. Not logged to predictions: a back-scoring is not production traffic.")
    @RequestBody(description = "{\"useCase\": \"card-fraud\", \"from\": \"2026-11-25T00:00:00Z\", "
            + "\"to\": \"2026-11-26T00:00:00Z\"}")
    @APIResponse(responseCode = "202", description = "Accepted (QUEUED until the replica owning its batch-jobs "
            + "partition starts it); Location is the job, readable from any replica")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Not a deployer")
    @APIResponse(responseCode = "404", description = "Unknown use case")
    @APIResponse(responseCode = "409", description = "No champion loaded, or the version asked for is not loaded")
    @APIResponse(responseCode = "422", description = "Invalid fields, each named")
    @APIResponse(responseCode = "429", description = "As many jobs queued or running as allowed, on all replicas")
    public Response start(byte[] body) {
        JsonNode json = RequestParser.parse(body, MAX_BODY);
        BatchJobs.Request request = request(json);
        BatchJob job = jobs.start(request, identity.getPrincipal().getName());
        return Response.accepted(job).header("Location", "/v1/batch-jobs/" + job.id()).build();
    }

    @GET
    @Operation(summary = "Batch jobs, newest first (unfinished and the last finished ones); the same on every replica")
    public List<BatchJob> list() {
        return jobs.all();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A batch job: status, progress (records read of total), and at the end its summary")
    @APIResponse(responseCode = "404", description = "Unknown job (or one finished long enough ago to be forgotten)")
    public BatchJob get(@PathParam("id") String id) {
        BatchJob job = jobs.get(id);
        if (job == null) {
            throw new ProblemException(404, "unknown-job", "no batch job " + id,
                    List.of(new FieldError("id", "unknown batch job")));
        }
        return job;
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(DEPLOYER)
    @Operation(summary = "Cancel a queued or running batch job, on any replica",
            description = "The cancellation goes to batch-jobs; the replica running the job stops after the records "
                    + "in hand and it ends CANCELLED with the summary of what it produced; the scores already on the "
                    + "topic stay there.")
    @APIResponse(responseCode = "202", description = "Cancelling")
    @APIResponse(responseCode = "409", description = "The job already ended")
    public Response cancel(@PathParam("id") String id) {
        BatchJob job = get(id);
        if (job.status().finished()) {
            throw new ProblemException(409, "job-ended", "batch job " + id + " already ended " + job.status(),
                    List.of(new FieldError("id", "ended " + job.status())));
        }
        return Response.accepted(jobs.cancel(id, identity.getPrincipal().getName())).build();
    }

    /** The body's fields, each error named. */
    static BatchJobs.Request request(JsonNode json) {
        List<FieldError> errors = new ArrayList<>();
        if (json == null || !json.isObject()) {
            throw new ProblemException(422, "invalid-request", "a batch job is a JSON object",
                    List.of(new FieldError("body", "must be {useCase, from, to, version?}")));
        }
        RequestParser.unknownFields(json, FIELDS, "", errors);
        String useCase = json.path("useCase").isTextual() ? json.get("useCase").asText() : null;
        if (useCase == null || !Names.USE_CASE.matcher(useCase).matches()) {
            errors.add(new FieldError("useCase", "required: a use-case name (" + Names.USE_CASE.pattern()
                    + ")"));
        }
        Instant from = instant(json, "from", errors);
        Instant to = instant(json, "to", errors);
        Integer version = null;
        JsonNode v = json.get("version");
        if (v != null && !v.isNull()) {
            if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() > 0) {
                version = v.intValue();
            } else {
                errors.add(new FieldError("version", "must be a positive whole number (default: the champion)"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid-request", "invalid batch job", errors);
        }
        return new BatchJobs.Request(useCase, from, to, version);
    }

    private static Instant instant(JsonNode json, String field, List<FieldError> errors) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null; // BatchJobs.checkRange names it as required
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an ISO-8601 instant, e.g. 2026-11-26T00:00:00Z"));
            return null;
        }
    }
}
