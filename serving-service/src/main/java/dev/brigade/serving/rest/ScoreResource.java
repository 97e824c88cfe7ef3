package dev.brigade.serving.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.Problem;
import dev.brigade.platform.http.ProblemException;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.ScoreRequest;
import dev.brigade.serving.config.ServingConfig;
import dev.brigade.serving.service.ScoringService;
import dev.brigade.serving.service.ServingMetrics;

/**
 * The scoring API. Non-blocking: the request runs on the event loop, the feature look-up is an asynchronous call
 * with a deadline, and scoring itself takes microseconds.
 */
@Path("/v1/score/{useCase}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "scoring", description = "Score events with the use case's serving models")
public class ScoreResource {

    /** Many answers, in request order. */
    public record BatchAnswer(String useCase, List<ScoreAnswer> results) {
    }

    private final ScoringService scoring;
    private final ServingConfig config;
    private final ServingMetrics metrics;

    ScoreResource(ScoringService scoring, ServingConfig config, ServingMetrics metrics) {
        this.scoring = scoring;
        this.config = config;
        this.metrics = metrics;
    }

    @POST
    @Operation(summary = "Score one event",
            description = "Body {eventId, entityId, attributes}. Online features (as of now) are merged with the "
                    + "attributes in the model contract's order; missing inputs are imputed from the training "
                    + "statistics and reported. The answer names the model version and variant that produced it.")
    @RequestBody(description = "{\"eventId\": \"e-1\", \"entityId\": \"card-42\", \"attributes\": {\"amount\": 12.5}}")
    @APIResponse(responseCode = "200", description = "The score")
    @APIResponse(responseCode = "400", description = "Malformed body or use-case name")
    @APIResponse(responseCode = "404", description = "Unknown use case")
    @APIResponse(responseCode = "409", description = "A use case served in batch")
    @APIResponse(responseCode = "413", description = "Body above the limit")
    @APIResponse(responseCode = "422", description = "Invalid fields, each named")
    @APIResponse(responseCode = "503", description = "No model loaded for the use case")
    public CompletionStage<ScoreAnswer> score(@PathParam("useCase") String useCase, byte[] body) {
        long start = System.nanoTime();
        return scoring.score(useCase, parse(useCase, body), start);
    }

    @POST
    @Path("/batch")
    @Operation(summary = "Score many events",
            description = "Body: a JSON array of {eventId, entityId, attributes} (at most "
                    + "brigade.serving.requests.max-batch-items). Look-ups run concurrently, each within the budget; "
                    + "an invalid item refuses the batch with every field named as [i].field.")
    @APIResponse(responseCode = "200", description = "One answer per item, in order")
    @APIResponse(responseCode = "422", description = "Invalid items, each field named")
    public CompletionStage<BatchAnswer> batch(@PathParam("useCase") String useCase, byte[] body) {
        long start = System.nanoTime();
        return scoring.scoreAll(useCase, parseBatch(useCase, body), start)
                .thenApply(results -> new BatchAnswer(useCase, results));
    }

    /** One request, every field to fix named; a refusal here is counted under its kind. */
    private ScoreRequest parse(String useCase, byte[] body) {
        try {
            RequestParser.checkUseCase(useCase);
            JsonNode json = RequestParser.parse(body, config.requests().maxBodySize().asLongValue());
            List<FieldError> errors = new ArrayList<>();
            ScoreRequest request = RequestParser.request(json, "", errors);
            if (!errors.isEmpty()) {
                throw new ProblemException(Problem.UNPROCESSABLE, "invalid-request", "invalid scoring request",
                        errors);
            }
            return request;
        } catch (ProblemException e) {
            metrics.error(useCase, e.kind());
            throw e;
        }
    }

    /** The batch's requests, every item's fields to fix named as [i].field. */
    private List<ScoreRequest> parseBatch(String useCase, byte[] body) {
        try {
            RequestParser.checkUseCase(useCase);
            JsonNode json = RequestParser.parse(body, config.requests().maxBatchBodySize().asLongValue());
            if (!json.isArray()) {
                throw new ProblemException(Problem.UNPROCESSABLE, "invalid-request",
                        "a batch is a JSON array of requests",
                        List.of(new FieldError("body", "must be a JSON array of {eventId, entityId, attributes}")));
            }
            int max = config.requests().maxBatchItems();
            if (json.size() == 0 || json.size() > max) {
                throw new ProblemException(json.size() == 0 ? Problem.UNPROCESSABLE : 413,
                        json.size() == 0 ? "invalid-request" : "too-large",
                        "a batch has 1 to " + max + " items, this one " + json.size(),
                        List.of(new FieldError("body", "1 to " + max + " items")));
            }
            List<FieldError> errors = new ArrayList<>();
            List<ScoreRequest> requests = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                requests.add(RequestParser.request(json.get(i), "[" + i + "].", errors));
            }
            if (!errors.isEmpty()) {
                throw new ProblemException(Problem.UNPROCESSABLE, "invalid-request", "invalid items in the batch",
                        errors);
            }
            return requests;
        } catch (ProblemException e) {
            metrics.error(useCase, e.kind());
            throw e;
        }
    }
}
