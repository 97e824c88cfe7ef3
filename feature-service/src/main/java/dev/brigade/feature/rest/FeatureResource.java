package dev.brigade.feature.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
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

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.FieldError;
import dev.brigade.feature.OnlineFeatures;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.mapping.JsonEvents;
import dev.brigade.feature.service.OnlineFeatureService;
import dev.brigade.feature.service.RawEventRules;
import io.micrometer.core.annotation.Timed;

/**
 * Online features, computed as of now (or ?asOf=) from the same state and by the same code as the offline vectors.
 * GET gives what history alone says; POST also takes the current event's attributes, which is what a scoring
 * request has, so every feature of the set can be computed exactly as offline.
 */
@Path("/v1/features/{set}/{entityId}")
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

    @Inject
    OnlineFeatureService online;

    @GET
    @Timed(value = "brigade.features.lookup", histogram = true, extraTags = {"method", "get"})
    @Operation(summary = "An entity's features from its history, as of now or ?asOf=",
            description = "Features that need the current event's attributes are MISSING; POST them to get all.")
    public Response get(@PathParam("set") String set, @PathParam("entityId") String entityId,
            @QueryParam("version") String version, @QueryParam("asOf") String asOf,
            @HeaderParam(OnlineFeatureService.ROUTED_HEADER) String routedBy) {
        return lookup("GET", set, entityId, version, asOf, null, null, routedBy);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Timed(value = "brigade.features.lookup", histogram = true, extraTags = {"method", "post"})
    @Operation(summary = "An entity's features for an event with these attributes, as of now or asOf",
            description = "Body: {\"attributes\": {...}, \"asOf\": optional ISO instant}.")
    public Response post(@PathParam("set") String set, @PathParam("entityId") String entityId,
            @QueryParam("version") String version, JsonNode body,
            @HeaderParam(OnlineFeatureService.ROUTED_HEADER) String routedBy) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return Problem.response(400, "expected a JSON object with attributes");
        }
        Map<String, Object> attributes = JsonEvents.attributes(body.get("attributes"), "attributes", errors);
        JsonNode asOf = body.get("asOf");
        if (!errors.isEmpty()) {
            return Problem.response(Problem.UNPROCESSABLE, "invalid look-up", errors);
        }
        return lookup("POST", set, entityId, version, asOf == null || asOf.isNull() ? null : asOf.asText(),
                attributes, body.toString(), routedBy);
    }

    private Response lookup(String method, String set, String entityId, String version, String asOf,
            Map<String, Object> attributes, String body, String routedBy) {
        List<FieldError> errors = new ArrayList<>(FeatureSetResource.PathChecks.set(set));
        if (!RawEventRules.isId(entityId)) {
            errors.add(new FieldError("entityId", "must be 1 to 128 of letters, digits and . _ : @ -"));
        }
        Optional<Integer> parsedVersion = Optional.empty();
        if (version != null) {
            if (version.matches("[1-9][0-9]{0,8}")) {
                parsedVersion = Optional.of(Integer.parseInt(version));
            } else {
                errors.add(new FieldError("version", "must be a whole number of at least 1"));
            }
        }
        Optional<Instant> at = Optional.empty();
        if (asOf != null) {
            try {
                at = Optional.of(Instant.parse(asOf));
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("asOf", "must be an ISO-8601 instant"));
            }
        }
        if (!errors.isEmpty()) {
            return Problem.response(Problem.UNPROCESSABLE, "invalid look-up", errors);
        }
        RegisteredFeatureSet registered = online.resolve(set, parsedVersion);
        if (routedBy == null) {
            Optional<HostInfo> owner = online.owner(registered, entityId);
            if (owner.isPresent()) {
                Map<String, String> query = new LinkedHashMap<>();
                query.put("version", Integer.toString(registered.definition().version()));
                at.ifPresent(t -> query.put("asOf", t.toString()));
                OnlineFeatureService.Remote remote = online.forward(owner.get(), method,
                        "/v1/features/" + set + "/" + entityId, query, body);
                return Response.status(remote.status()).type(MediaType.APPLICATION_JSON).entity(remote.body())
                        .build();
            }
        }
        return Response.ok(FeaturesView.of(online.computeHere(registered, entityId, at, attributes))).build();
    }
}
