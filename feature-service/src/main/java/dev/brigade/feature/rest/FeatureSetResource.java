package dev.brigade.feature.rest;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;

import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.mapping.FeatureSetParser;
import dev.brigade.feature.service.ContractMonitor;
import dev.brigade.feature.service.ContractTally;
import dev.brigade.feature.service.FeatureSetCatalog;
import dev.brigade.feature.service.FeatureSetService;
import dev.brigade.feature.streams.FeatureStreams;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.Problem;

@Path("/v1/feature-sets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Feature sets", description = "Versioned, immutable feature definitions")
public class FeatureSetResource {

    /** Registers feature-set versions: each one replays raw-events.accepted and feeds training with new vectors. */
    public static final String REGISTRAR = "registrar";

    private final FeatureSetService service;
    private final FeatureSetCatalog catalog;
    private final FeatureStreams streams;
    private final ContractMonitor contracts;
    private final Clock clock;
    private final SecurityIdentity identity;

    FeatureSetResource(FeatureSetService service, FeatureSetCatalog catalog, FeatureStreams streams,
            ContractMonitor contracts, Clock clock, SecurityIdentity identity) {
        this.service = service;
        this.catalog = catalog;
        this.streams = streams;
        this.contracts = contracts;
        this.clock = clock;
        this.identity = identity;
    }

    @PUT
    @Path("/{name}/versions/{version}")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN})
    @RolesAllowed(REGISTRAR)
    @SecurityRequirement(name = "basic")
    @Operation(summary = "Register a feature-set version from YAML (role registrar)",
            description = "201 when new, 200 when the same content is registered again, 409 when the version "
                    + "exists with other content, 422 naming every invalid field, 401 without credentials, 403 "
                    + "without the registrar role. A new version backfills from the first raw event; the caller "
                    + "is recorded as registeredBy.")
    public Response register(@PathParam("name") String name, @PathParam("version") String version, String yaml) {
        List<FieldError> pathErrors = PathChecks.setAndVersion(name, version);
        if (!pathErrors.isEmpty()) {
            return Problem.response(Problem.UNPROCESSABLE, "invalid-feature-set", "Invalid feature-set path", pathErrors);
        }
        FeatureSetService.Outcome outcome = service.register(name, Integer.parseInt(version), yaml,
                identity.getPrincipal().getName());
        if (outcome instanceof FeatureSetService.Outcome.Created created) {
            return Response.created(URI.create("/v1/feature-sets/" + name + "/versions/" + version))
                    .entity(view(created.set())).build();
        }
        if (outcome instanceof FeatureSetService.Outcome.Unchanged unchanged) {
            return Response.ok(view(unchanged.set())).build();
        }
        if (outcome instanceof FeatureSetService.Outcome.Conflict conflict) {
            RegisteredFeatureSet existing = conflict.existing();
            return Problem.response(409, "conflict", "Feature set " + existing.definition().id()
                    + " is already registered with other content (sha256 " + existing.sha256() + " at "
                    + existing.registeredAt() + "); versions are immutable: register a new one", List.of());
        }
        return Problem.response(Problem.UNPROCESSABLE, "invalid-feature-set", "The feature set is invalid",
                ((FeatureSetService.Outcome.Invalid) outcome).errors());
    }

    @GET
    @Operation(summary = "List feature sets with their versions")
    public List<FeatureSetViews.SetSummary> list() {
        Map<String, List<Integer>> byName = catalog.all().stream().collect(Collectors.groupingBy(
                s -> s.definition().name(), TreeMap::new,
                Collectors.mapping(s -> s.definition().version(), Collectors.toList())));
        return byName.entrySet().stream().map(e -> new FeatureSetViews.SetSummary(e.getKey(), e.getValue(),
                e.getValue().stream().mapToInt(Integer::intValue).max().orElse(0))).toList();
    }

    @GET
    @Path("/{name}/versions/{version}")
    @Operation(summary = "One feature-set version, with its backfill progress")
    public Response get(@PathParam("name") String name, @PathParam("version") String version) {
        return find(name, version).map(s -> Response.ok(view(s)).build())
                .orElseGet(() -> notFound(name, version));
    }

    @GET
    @Path("/{name}/versions/{version}/backfill")
    @Operation(summary = "How far the version has come through the raw events present when it started")
    public Response backfill(@PathParam("name") String name, @PathParam("version") String version) {
        return find(name, version)
                .flatMap(s -> streams.backfill(s.definition().id()))
                .map(p -> Response.ok(FeatureSetViews.BackfillView.of(p)).build())
                .orElseGet(() -> notFound(name, version));
    }

    @GET
    @Path("/{name}/versions/{version}/contract")
    @Operation(summary = "The version's data contract checked on live data",
            description = "Each expectation (every feature's type, declared ranges, categories and missing rates, "
                    + "label balance, freshness) with its counts since start and over the last minutes on this "
                    + "instance, and whether it is broken now.")
    public Response contract(@PathParam("name") String name, @PathParam("version") String version) {
        return find(name, version)
                .map(s -> contracts.tally(s.definition().id())
                        .orElseGet(() -> new ContractTally(s.definition(), clock, ContractTally.ViolationSink.NONE)))
                .map(t -> Response.ok(FeatureSetViews.ContractView.of(t)).build())
                .orElseGet(() -> notFound(name, version));
    }

    private java.util.Optional<RegisteredFeatureSet> find(String name, String version) {
        if (!PathChecks.setAndVersion(name, version).isEmpty()) {
            return java.util.Optional.empty();
        }
        return catalog.get(name, Integer.parseInt(version));
    }

    private FeatureSetViews.VersionView view(RegisteredFeatureSet set) {
        return FeatureSetViews.VersionView.of(set, streams.backfill(set.definition().id()).orElse(null));
    }

    private static Response notFound(String name, String version) {
        return Problem.response(404, "not-found", "no feature set " + name + " version " + version);
    }

    /** Path parameters reach state-store and topic names: strict patterns keep path tricks out. */
    static final class PathChecks {

        private PathChecks() {
        }

        static List<FieldError> setAndVersion(String name, String version) {
            List<FieldError> errors = new java.util.ArrayList<>(set(name));
            if (version == null || !version.matches("[1-9][0-9]{0,8}")) {
                errors.add(new FieldError("version", "must be a whole number of at least 1"));
            }
            return errors;
        }

        static List<FieldError> set(String name) {
            if (name == null || !FeatureSetParser.SET_NAME.matcher(name).matches()) {
                return List.of(new FieldError("name", "must match " + FeatureSetParser.SET_NAME.pattern()));
            }
            return List.of();
        }
    }
}
