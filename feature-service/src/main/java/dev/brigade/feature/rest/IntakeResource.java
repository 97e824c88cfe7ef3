package dev.brigade.feature.rest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.config.FeatureServiceConfig;
import dev.brigade.feature.mapping.JsonEvents;
import dev.brigade.feature.service.IntakeService;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.Problem;
import io.micrometer.core.instrument.MeterRegistry;

/** JSON intake for producers that do not speak Avro: one item or a batch, each item judged on its own. */
@Path("/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Intake", description = "Raw events and labels as JSON")
public class IntakeResource {

    private static final Logger LOG = Logger.getLogger(IntakeResource.class);

    /** One item's fate; errors name fields inside the item. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ItemResult(int index, String eventId, String status, List<FieldError> errors) {
    }

    /** The answer to a submission. */
    public record IntakeResult(int accepted, int rejected, int failed, List<ItemResult> items) {
    }

    private final IntakeService intake;
    private final FeatureServiceConfig config;
    private final Clock clock;
    private final MeterRegistry registry;

    IntakeResource(IntakeService intake, FeatureServiceConfig config, Clock clock, MeterRegistry registry) {
        this.intake = intake;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    @POST
    @Path("/events")
    @Operation(summary = "Submit raw events (one object or an array)",
            description = "202 once Kafka acknowledged every accepted item, with a per-item error for each "
                    + "rejected one; 422 when none is acceptable; 503 when Kafka did not acknowledge.")
    public Response events(JsonNode body) {
        return submit("events", body, JsonEvents::rawEvent, Topics.RAW_EVENTS, RawEvent::getEntityId,
                RawEvent::getEventId);
    }

    @POST
    @Path("/labels")
    @Operation(summary = "Submit labels (one object or an array)",
            description = "A label names the event it is about; the prep station joins it to that event's "
                    + "feature vectors. Same answers as /v1/events.")
    public Response labels(JsonNode body) {
        return submit("labels", body, JsonEvents::label, Topics.LABELS, LabelEvent::getEventId,
                LabelEvent::getEventId);
    }

    private <T extends SpecificRecord> Response submit(String kind, JsonNode body,
            BiFunction<JsonNode, java.time.Instant, JsonEvents.Parsed<T>> parse, String topic,
            Function<T, String> key, Function<T, String> eventId) {
        if (body == null || !(body.isObject() || body.isArray())) {
            return Problem.response(400, "bad-request", "expected a JSON object or an array of them");
        }
        boolean batch = body.isArray();
        List<JsonNode> items = new ArrayList<>();
        body.forEach(items::add);
        if (!batch) {
            items = List.of(body);
        }
        if (items.isEmpty()) {
            return Problem.response(Problem.UNPROCESSABLE, invalid(kind), "the batch is empty");
        }
        if (items.size() > config.intake().maxBatch()) {
            return Problem.response(413, "batch-too-large", "at most " + config.intake().maxBatch() + " items per request, got "
                    + items.size());
        }
        List<ItemResult> results = new ArrayList<>(items.size());
        List<T> accepted = new ArrayList<>();
        List<Integer> acceptedIndexes = new ArrayList<>();
        java.time.Instant now = clock.instant();
        for (int i = 0; i < items.size(); i++) {
            JsonEvents.Parsed<T> parsed = parse.apply(items.get(i), now);
            if (parsed.event().isPresent()) {
                accepted.add(parsed.event().get());
                acceptedIndexes.add(i);
                results.add(null);
            } else {
                JsonNode id = items.get(i).get("eventId");
                results.add(new ItemResult(i, id != null && id.isTextual() ? id.textValue() : null, "rejected",
                        parsed.errors()));
            }
        }
        List<Optional<String>> sent = intake.publish(topic, accepted, key);
        int failed = 0;
        for (int j = 0; j < accepted.size(); j++) {
            Optional<String> failure = sent.get(j);
            int index = acceptedIndexes.get(j);
            if (failure.isPresent()) {
                failed++;
                results.set(index, new ItemResult(index, eventId.apply(accepted.get(j)), "failed",
                        List.of(new FieldError("$", failure.get()))));
            } else {
                results.set(index, new ItemResult(index, eventId.apply(accepted.get(j)), "accepted", List.of()));
            }
        }
        int rejected = items.size() - accepted.size();
        count(kind, "accepted", accepted.size() - failed);
        count(kind, "rejected", rejected);
        count(kind, "failed", failed);
        if (rejected > 0) {
            LOG.debugf("Intake of %s: %d of %d items rejected", kind, rejected, items.size());
        }
        IntakeResult result = new IntakeResult(accepted.size() - failed, rejected, failed, results);
        if (failed > 0) {
            return Response.status(503).entity(result).build();
        }
        if (accepted.isEmpty()) {
            return Problem.response(Problem.UNPROCESSABLE, invalid(kind), "no item is acceptable", prefixed(results, batch));
        }
        return Response.accepted(result).build();
    }

    /** invalid-event or invalid-label */
    private static String invalid(String kind) {
        return "invalid-" + kind.substring(0, kind.length() - 1);
    }

    /** A single object's errors name its fields; a batch's name the item too: [3].eventTime. */
    private static List<FieldError> prefixed(List<ItemResult> results, boolean batch) {
        List<FieldError> errors = new ArrayList<>();
        for (ItemResult r : results) {
            for (FieldError e : r.errors()) {
                errors.add(batch ? new FieldError("[" + r.index() + "]." + e.field(), e.message()) : e);
            }
        }
        return errors;
    }

    private void count(String kind, String outcome, int n) {
        if (n > 0) {
            registry.counter("brigade.intake.items", "kind", kind, "outcome", outcome).increment(n);
        }
    }
}
