package dev.brigade.monitor.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.monitor.CostlyError;
import dev.brigade.monitor.client.MonitorPeers;
import dev.brigade.monitor.client.RegistryReads;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.stats.CostlyErrors;
import dev.brigade.monitor.streams.MonitorStreams;

/**
 * What the dashboard shows beside the charts: the loop's stages (from the registry), the worst holdout rows of the
 * champion and the newest candidate (from their evaluation reports in the registry), and the costliest realised
 * errors per window (from the state of the instance that owns the use case, asked there when not this one).
 * Read-only.
 */
// The same root as DashboardResource: a longer root path would shadow its /v1/use-cases/{name}/... endpoints.
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "monitor", description = "Windows, drift, skew, realised performance, alerts and runs per use case")
public class LoopResource {

    private static final Logger LOG = Logger.getLogger(LoopResource.class);
    static final int MAX_WORST = 100;

    private final RegistryView registry;
    private final MonitorStreams streams;
    private final RegistryReads reads;
    private final UseCaseRouter router;

    LoopResource(RegistryView registry, MonitorStreams streams, @RestClient RegistryReads reads,
            UseCaseRouter router) {
        this.router = router;
        this.registry = registry;
        this.streams = streams;
        this.reads = reads;
    }

    @GET
    @Path("/use-cases/{name}/stages")
    @Operation(summary = "The loop's six stages with owner, criteria and evidence, as the registry derives them")
    public JsonNode stages(@PathParam("name") String name) {
        UseCaseNames.find(registry, name);
        return call(() -> reads.stages(name));
    }

    /** The worst holdout rows of one model version's evaluation report. */
    public record HoldoutWorst(int version, String role, String alias, JsonNode worstExamples) {
    }

    @GET
    @Path("/use-cases/{name}/holdout-worst")
    @Operation(summary = "The worst holdout rows of the champion and the newest candidate (their evaluation reports)")
    public List<HoldoutWorst> holdoutWorst(@PathParam("name") String name) {
        RegistryView.UseCase u = UseCaseNames.find(registry, name);
        Integer champion = u.aliases().get("champion");
        Integer newest = u.versions().values().stream().filter(v -> "candidate".equals(v.role()) && !v.archived())
                .map(RegistryView.Version::version).max(Integer::compare).orElse(null);
        List<HoldoutWorst> out = new ArrayList<>();
        for (Integer version : Stream.of(champion, newest).filter(Objects::nonNull).distinct().toList()) {
            JsonNode answer = call(() -> reads.version(name, version));
            JsonNode v = answer.path("version");
            out.add(new HoldoutWorst(version, v.path("role").asText(null), answer.path("alias").asText(null),
                    v.path("evaluationReport").path("worstExamples")));
        }
        return out;
    }

    /** The costliest realised errors of one window (every version that served in it), costliest first. */
    public record WindowWorst(String useCase, long windowStart, int kept, List<CostlyError> errors) {
    }

    @GET
    @Path("/use-cases/{name}/windows/{window}/worst")
    @Operation(summary = "The costliest realised errors of a window: {window} is its start (epoch millis or an "
            + "ISO instant) or latest (the newest window with any)")
    public RestResponse<WindowWorst> windowWorst(@PathParam("name") String name, @PathParam("window") String window,
            @QueryParam("limit") Integer limit, @HeaderParam(MonitorPeers.ROUTED_HEADER) String routedBy) {
        UseCaseNames.find(registry, name);
        int n = limit == null ? MAX_WORST : Math.max(1, Math.min(limit, MAX_WORST));
        Long start = "latest".equals(window) ? null : parseWindow(window);
        Optional<RestResponse<WindowWorst>> owner = router.elsewhere(name, routedBy,
                p -> p.worst(name, window, limit, router.self()));
        if (owner.isPresent()) {
            return owner.get();
        }
        var all = streams.worst(name);
        if (start == null) {
            start = all.isEmpty() ? null : all.lastKey();
            if (start == null) {
                return RestResponse.ok(new WindowWorst(name, 0, 0, List.of()));
            }
        }
        List<List<CostlyError>> lists = all.getOrDefault(start, List.of());
        List<CostlyError> merged = CostlyErrors.merge(lists, n);
        return RestResponse.ok(new WindowWorst(name, start, merged.size(), merged));
    }

    private static long parseWindow(String window) {
        try {
            return Long.parseLong(window);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(window).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw UseCaseNames.problem(400, "invalid-window",
                        "window must be its start in epoch milliseconds, an ISO instant, or latest", "window");
            }
        }
    }

    /** A registry that is down or answers an error is a 502 problem: the dashboard shows it and keeps polling. */
    private static JsonNode call(Supplier<RestResponse<JsonNode>> call) {
        RestResponse<JsonNode> answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) {
            LOG.debugf("Registry read failed: %s", e.getMessage());
            throw UseCaseNames.problem(502, "registry-unavailable", "the registry did not answer: " + e.getMessage(),
                    "registry");
        }
        if (answer.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL) {
            throw UseCaseNames.problem(502, "registry-unavailable", "the registry answered " + answer.getStatus(),
                    "registry");
        }
        return answer.getEntity();
    }
}
