package dev.brigade.feature.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.OnlineFeatures;
import dev.brigade.feature.RawEventRules;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.config.FeatureServiceConfig;
import dev.brigade.feature.mapping.JsonEvents;
import dev.brigade.feature.service.LookupRoute;
import dev.brigade.feature.service.OnlineFeatureService;
import dev.brigade.feature.service.StationApps;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.Problem;
import io.micrometer.core.annotation.Timed;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

/**
 * Online features, computed as of now (or ?asOf=) from the same state and by the same code as the offline vectors.
 * GET gives what history alone says; POST also takes the current event's attributes, which is what a scoring
 * request has, so every feature of the set can be computed exactly as offline. POST on the set itself is the same
 * look-up for many entities in one call (a caller coalescing concurrent requests).
 * <p>
 * A single look-up runs on the event loop: one computation from the local store takes a fraction of a millisecond,
 * and each hand-over to a worker thread and back was another wake-up to wait for on a busy host (the tail of the
 * latency). A key owned by another instance is asked there without blocking.
 */
@Path("/v1/features/{set}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Online features")
public class FeatureResource {

    /** One feature as served. */
    public record Value(Object value, String status) {
    }

    /** The answer of a look-up. */
    public record FeaturesView(String featureSet, int version, String entityId, Instant asOf,
            Map<String, Value> features, String servedBy) {

        static FeaturesView of(OnlineFeatures f) {
            Map<String, Value> values = new LinkedHashMap<>();
            for (Map.Entry<String, FeatureValue> e : f.features().entrySet()) {
                values.put(e.getKey(), new Value(e.getValue().value(), e.getValue().status().name()));
            }
            return new FeaturesView(f.featureSet(), f.version(), f.entityId(), f.asOf(), values, f.servedBy());
        }
    }

    /** The answer of a batch: one look-up answer per requested look-up, in request order. */
    public record BatchView(String featureSet, int version, List<FeaturesView> results) {
    }

    /** One valid look-up of a batch. */
    private record Lookup(String entityId, Map<String, Object> attributes, Optional<Instant> asOf, JsonNode json) {
    }

    private final OnlineFeatureService online;
    private final FeatureServiceConfig config;
    private final ObjectMapper json;
    private final DistributionSummary batchItems;

    FeatureResource(OnlineFeatureService online, FeatureServiceConfig config, ObjectMapper json,
            MeterRegistry registry) {
        this.online = online;
        this.config = config;
        this.json = json;
        this.batchItems = DistributionSummary.builder("brigade.features.lookup.batch.items")
                .description("Look-ups per accepted batch (POST /v1/features/{set})").register(registry);
    }

    @GET
    @Path("/{entityId}")
    @Timed(value = "brigade.features.lookup", histogram = true, extraTags = {"method", "get"})
    @Operation(summary = "An entity's features from its history, as of now or ?asOf=",
            description = "Features that need the current event's attributes are MISSING; POST them to get all.")
    public CompletionStage<Response> get(@PathParam("set") String set, @PathParam("entityId") String entityId,
            @QueryParam("version") String version, @QueryParam("asOf") String asOf,
            @HeaderParam(OnlineFeatureService.ROUTED_HEADER) String routedBy) {
        return lookup("GET", set, entityId, version, asOf, null, null, routedBy);
    }

    @POST
    @Path("/{entityId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timed(value = "brigade.features.lookup", histogram = true, extraTags = {"method", "post"})
    @Operation(summary = "An entity's features for an event with these attributes, as of now or asOf",
            description = "Body: {\"attributes\": {...}, \"asOf\": optional ISO instant}.")
    public CompletionStage<Response> post(@PathParam("set") String set, @PathParam("entityId") String entityId,
            @QueryParam("version") String version, JsonNode body,
            @HeaderParam(OnlineFeatureService.ROUTED_HEADER) String routedBy) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return done(Problem.response(400, "bad-request", "expected a JSON object with attributes"));
        }
        Map<String, Object> attributes = JsonEvents.attributes(body.get("attributes"), "attributes", errors);
        JsonNode asOf = body.get("asOf");
        if (!errors.isEmpty()) {
            return done(Problem.response(Problem.UNPROCESSABLE, "invalid-lookup", "invalid look-up", errors));
        }
        return lookup("POST", set, entityId, version, asOf == null || asOf.isNull() ? null : asOf.asText(),
                attributes, body.toString(), routedBy);
    }

    @POST
    @Blocking // up to max-batch-items computations in a row: too long for an event loop
    @Consumes(MediaType.APPLICATION_JSON)
    @Timed(value = "brigade.features.lookup", histogram = true, extraTags = {"method", "batch"})
    @Operation(summary = "Many entities' features in one call, one answer per look-up in request order",
            description = "Body: {\"lookups\": [{\"entityId\": ..., \"attributes\": {...} optional, \"asOf\": "
                    + "optional ISO instant}]}. Each result is what POST /v1/features/{set}/{entityId} answers for "
                    + "that look-up. One bad look-up refuses the whole batch: 422 naming lookups[i].field; 413 over "
                    + "brigade.features.lookup.max-batch-items. Look-ups owned by another instance are asked "
                    + "there, one call per instance; one that fails is a 502/503 for the batch naming it.")
    public CompletionStage<Response> batch(@PathParam("set") String set, @QueryParam("version") String version,
            JsonNode body, @HeaderParam(OnlineFeatureService.ROUTED_HEADER) String routedBy) {
        if (body == null || !body.isObject()) {
            return done(Problem.response(400, "bad-request", "expected a JSON object with lookups"));
        }
        JsonNode items = body.get("lookups");
        if (items == null || !items.isArray()) {
            return done(Problem.response(400, "bad-request", "expected a JSON object with lookups",
                    List.of(new FieldError("lookups", "must be an array of look-ups"))));
        }
        int max = config.lookup().maxBatchItems();
        if (items.size() > max) {
            return done(Problem.response(413, "batch-too-large", "at most " + max + " look-ups in one batch "
                    + "(brigade.features.lookup.max-batch-items)",
                    List.of(new FieldError("lookups", "at most " + max + " look-ups, got " + items.size()))));
        }
        List<FieldError> errors = new ArrayList<>(FeatureSetResource.PathChecks.set(set));
        Optional<Integer> parsedVersion = version(version, errors);
        if (items.isEmpty()) {
            errors.add(new FieldError("lookups", "must hold at least one look-up"));
        }
        List<Lookup> lookups = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = "lookups[" + i + "]";
            if (!item.isObject()) {
                errors.add(new FieldError(at, "must be an object with entityId"));
                continue;
            }
            JsonNode id = item.get("entityId");
            String entityId = id != null && id.isTextual() ? id.textValue() : null;
            checkEntityId(entityId, at + ".entityId", errors);
            Map<String, Object> attributes = JsonEvents.attributes(item.get("attributes"), at + ".attributes",
                    errors);
            JsonNode asOf = item.get("asOf");
            lookups.add(new Lookup(entityId, attributes,
                    asOf(asOf == null || asOf.isNull() ? null : asOf.asText(), at + ".asOf", errors), item));
        }
        if (!errors.isEmpty()) {
            return done(Problem.response(Problem.UNPROCESSABLE, "invalid-lookup", "invalid batch of look-ups", errors));
        }
        RegisteredFeatureSet registered = online.resolve(set, parsedVersion);
        batchItems.record(lookups.size());

        List<StationApps.Placement> places = new ArrayList<>(lookups.size());
        List<Optional<HostInfo>> owners = new ArrayList<>(lookups.size());
        for (Lookup lookup : lookups) {
            StationApps.Placement place = online.place(registered, lookup.entityId());
            places.add(place);
            // A look-up routed here once is answered here, never bounced on
            owners.add(routedBy != null || place.here() ? Optional.empty() : Optional.of(place.owner()));
        }
        LookupRoute<HostInfo> route = LookupRoute.of(owners);
        // Every owner is asked at once, and the local look-ups are computed while they answer
        Map<HostInfo, CompletableFuture<OnlineFeatureService.Remote>> asked = new LinkedHashMap<>();
        for (Map.Entry<HostInfo, List<Integer>> group : route.remote().entrySet()) {
            ObjectNode groupBody = json.createObjectNode();
            ArrayNode groupItems = groupBody.putArray("lookups");
            group.getValue().forEach(i -> groupItems.add(lookups.get(i).json()));
            asked.put(group.getKey(), online.forwardAsync(group.getKey(), "POST", "/v1/features/" + set,
                    Map.of("version", Integer.toString(registered.definition().version())), groupBody.toString()));
        }
        List<FeaturesView> here = new ArrayList<>(route.here().size());
        for (int i : route.here()) {
            Lookup lookup = lookups.get(i);
            here.add(FeaturesView.of(online.computeHere(registered, lookup.entityId(), places.get(i).partition(),
                    lookup.asOf(), lookup.attributes())));
        }
        if (asked.isEmpty()) {
            return done(Response.ok(new BatchView(registered.definition().name(), registered.definition().version(),
                    route.merge(here, Map.of()))).build());
        }
        // Nothing waits on the event loop: the answer is put together when the last owner has answered
        return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).handle((all, failure) -> {
            Map<HostInfo, List<FeaturesView>> remote = new LinkedHashMap<>();
            try {
                for (Map.Entry<HostInfo, CompletableFuture<OnlineFeatureService.Remote>> call : asked.entrySet()) {
                    List<String> ids = route.remote().get(call.getKey()).stream()
                            .map(i -> lookups.get(i).entityId()).toList();
                    remote.put(call.getKey(), answers(call.getKey(), call.getValue(), ids));
                }
            } catch (OnlineFeatureService.LookupException e) {
                return e.problem().response();
            }
            return Response.ok(new BatchView(registered.definition().name(), registered.definition().version(),
                    route.merge(here, remote))).build();
        });
    }

    /** A remote group's answers, checked one to one against its look-ups; any failure fails the whole batch. */
    private List<FeaturesView> answers(HostInfo owner, CompletableFuture<OnlineFeatureService.Remote> call,
            List<String> entityIds) {
        String instance = owner.host() + ":" + owner.port();
        String what = "instance " + instance + ", which owns " + entityIds.size() + " of the look-ups";
        OnlineFeatureService.Remote answer;
        try {
            answer = call.join();
        } catch (CompletionException e) {
            throw new OnlineFeatureService.LookupException(503, what + ", did not answer (" + cause(e) + "); retry");
        }
        if (answer.status() != 200) {
            // 503 from the owner (rebalancing, not queryable yet) stays retryable; anything else is its fault
            throw new OnlineFeatureService.LookupException(answer.status() == 503 ? 503 : 502, what + ", answered "
                    + answer.status() + ": " + detail(answer.body()));
        }
        BatchView view;
        try {
            view = json.readValue(answer.body(), BatchView.class);
        } catch (JsonProcessingException e) {
            throw new OnlineFeatureService.LookupException(502, what + ", answered a body that is not a batch: "
                    + e.getOriginalMessage());
        }
        List<FeaturesView> results = view.results() == null ? List.of() : view.results();
        List<String> answered = results.stream().map(r -> r == null ? null : r.entityId()).toList();
        if (!answered.equals(entityIds)) {
            throw new OnlineFeatureService.LookupException(502, what + ", answered for " + answered
                    + " instead of " + entityIds);
        }
        return results;
    }

    private String detail(String body) {
        try {
            JsonNode problem = json.readTree(body);
            if (problem != null && problem.hasNonNull("detail")) {
                return problem.get("detail").asText();
            }
        } catch (JsonProcessingException e) {
            // not a problem body: its start says enough
        }
        String text = body == null ? "" : body;
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private CompletionStage<Response> lookup(String method, String set, String entityId, String version,
            String asOf, Map<String, Object> attributes, String body, String routedBy) {
        List<FieldError> errors = new ArrayList<>(FeatureSetResource.PathChecks.set(set));
        checkEntityId(entityId, "entityId", errors);
        Optional<Integer> parsedVersion = version(version, errors);
        Optional<Instant> at = asOf(asOf, "asOf", errors);
        if (!errors.isEmpty()) {
            return done(Problem.response(Problem.UNPROCESSABLE, "invalid-lookup", "invalid look-up", errors));
        }
        RegisteredFeatureSet registered = online.resolve(set, parsedVersion);
        StationApps.Placement place = online.place(registered, entityId);
        if (routedBy == null && !place.here()) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("version", Integer.toString(registered.definition().version()));
            at.ifPresent(t -> query.put("asOf", t.toString()));
            HostInfo instance = place.owner();
            return online.forwardAsync(instance, method, "/v1/features/" + set + "/" + entityId, query, body)
                    .handle((remote, failure) -> failure == null
                            ? Response.status(remote.status()).type(MediaType.APPLICATION_JSON)
                                    .entity(remote.body()).build()
                            : Problem.response(503, "unavailable", "owner " + instance.host() + ":" + instance.port()
                                    + " of the key did not answer (" + cause(failure) + "); retry"));
        }
        return done(Response.ok(FeaturesView.of(online.computeHere(registered, entityId, place.partition(), at,
                attributes))).build());
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private static String cause(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static void checkEntityId(String entityId, String field, List<FieldError> errors) {
        if (entityId == null || !RawEventRules.isId(entityId)) {
            errors.add(new FieldError(field, "must be 1 to 128 of letters, digits and . _ : @ -"));
        }
    }

    private static Optional<Integer> version(String version, List<FieldError> errors) {
        if (version == null) {
            return Optional.empty();
        }
        if (version.matches("[1-9][0-9]{0,8}")) {
            return Optional.of(Integer.parseInt(version));
        }
        errors.add(new FieldError("version", "must be a whole number of at least 1"));
        return Optional.empty();
    }

    private static Optional<Instant> asOf(String asOf, String field, List<FieldError> errors) {
        if (asOf == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(asOf));
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an ISO-8601 instant"));
            return Optional.empty();
        }
    }
}
