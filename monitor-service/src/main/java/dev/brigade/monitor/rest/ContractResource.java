package dev.brigade.monitor.rest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.monitor.client.FeatureServiceClient;
import dev.brigade.monitor.client.MonitorPeers;
import dev.brigade.monitor.config.MonitorConfig;
import dev.brigade.monitor.service.ContractHistory;
import dev.brigade.monitor.service.RegistryView;

/**
 * The dashboard's data-contract panel: for each feature-set version a use case depends on (its spec's, and the
 * champion's and canary's training lineage where they differ), the feature-service's live check of the version's
 * expectations, plus a short history of violation shares sampled here. The feature-service being down or slow is
 * an answer, not an error: the panel says so and the rest of the dashboard keeps working. Read-only. The history is
 * sampled in memory on the instance that owns the use case (as its windows are), so every instance relays that one.
 */
// The same root as DashboardResource: a longer root path would shadow its /v1/use-cases/{name}/... endpoints.
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "monitor", description = "Windows, drift, skew, realised performance, alerts and runs per use case")
public class ContractResource {

    private static final Logger LOG = Logger.getLogger(ContractResource.class);

    /** One expectation as the feature-service judges it on its recent values (counts since its start too). */
    public record Expectation(String feature, String expectation, String allowed, String observed, long checked,
            long violations, long recentChecked, long recentViolations, Double recentRate, boolean broken) {
    }

    /**
     * One feature-set version's contract. {@code status}: {@code ok}, {@code unreachable} (no answer within the
     * timeout), {@code not-found} (the feature-service does not know the version) or {@code error} (any other
     * answer); {@code detail} says more when it is not ok.
     */
    public record Contract(String featureSet, int version, List<String> usedBy, String status, String detail,
            Boolean broken, Integer recentMinutes, int expectationsBroken, List<Expectation> expectations,
            List<ContractHistory.Sample> history) {
    }

    public record ContractPanel(String useCase, String featureService, List<Contract> contracts) {
    }

    private final RegistryView registry;
    private final FeatureServiceClient features;
    private final String featuresUrl;
    private final ContractHistory history;
    private final Clock clock = Clock.systemUTC();
    private final UseCaseRouter router;

    ContractResource(RegistryView registry, @RestClient FeatureServiceClient features, MonitorConfig config,
            ContractHistory history, UseCaseRouter router) {
        this.router = router;
        this.registry = registry;
        this.features = features;
        this.featuresUrl = config.features().url();
        this.history = history;
    }

    @GET
    @Path("/use-cases/{name}/contract")
    @Operation(summary = "The data contract of the use case's feature-set version(s) on live data",
            description = "Each expectation (type, range, categories, missing rate, label balance, freshness) with "
                    + "the feature-service's counts and whether it holds now, and a history of violation shares. "
                    + "status unreachable when the feature-service does not answer within the timeout.")
    public RestResponse<ContractPanel> contract(@PathParam("name") String name,
            @HeaderParam(MonitorPeers.ROUTED_HEADER) String routedBy) {
        RegistryView.UseCase u = UseCaseNames.find(registry, name);
        Optional<RestResponse<ContractPanel>> owner = router.elsewhere(name, routedBy,
                p -> p.contract(name, router.self()));
        if (owner.isPresent()) {
            return owner.get();
        }
        Map<RegistryView.FeatureSetRef, List<String>> sets = new LinkedHashMap<>();
        registry.specFeatureSet(name).ifPresent(ref -> sets.computeIfAbsent(ref, k -> new ArrayList<>())
                .add("spec v" + u.settings().specVersion()));
        for (String alias : List.of("champion", "canary")) {
            Integer version = u.aliases().get(alias);
            if (version != null) {
                registry.versionFeatureSet(name, version).ifPresent(ref -> sets
                        .computeIfAbsent(ref, k -> new ArrayList<>()).add(alias + " v" + version));
            }
        }
        List<Contract> out = new ArrayList<>();
        sets.forEach((ref, usedBy) -> out.add(contract(ref, usedBy)));
        return RestResponse.ok(new ContractPanel(name, featuresUrl, out));
    }

    private Contract contract(RegistryView.FeatureSetRef ref, List<String> usedBy) {
        RestResponse<JsonNode> answer;
        try {
            answer = features.contract(ref.name(), ref.version());
        } catch (RuntimeException e) {
            LOG.debugf("Feature-service contract read of %s v%d failed: %s", ref.name(), ref.version(), e);
            return failed(ref, usedBy, "unreachable", "feature-service unreachable at " + featuresUrl + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (answer.getStatus() == 404) {
            return failed(ref, usedBy, "not-found", "the feature-service has no feature set " + ref.name()
                    + " version " + ref.version());
        }
        if (answer.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL) {
            return failed(ref, usedBy, "error", "the feature-service answered " + answer.getStatus());
        }
        JsonNode body = answer.getEntity();
        List<Expectation> expectations = new ArrayList<>();
        for (JsonNode e : body.path("expectations")) {
            double rate = e.path("recentRate").asDouble(Double.NaN);
            expectations.add(new Expectation(e.path("feature").asText(null), e.path("expectation").asText(null),
                    e.path("allowed").asText(null), e.path("observed").asText(null), e.path("checked").asLong(),
                    e.path("violations").asLong(), e.path("recentChecked").asLong(),
                    e.path("recentViolations").asLong(), Double.isFinite(rate) ? rate : null,
                    e.path("broken").asBoolean()));
        }
        history.record(ref, clock.millis(), body.path("expectations"));
        int broken = (int) expectations.stream().filter(Expectation::broken).count();
        return new Contract(ref.name(), ref.version(), usedBy, "ok", null, body.path("broken").asBoolean(broken > 0),
                body.path("recentMinutes").isNumber() ? body.path("recentMinutes").asInt() : null, broken,
                expectations, history.samples(ref));
    }

    private Contract failed(RegistryView.FeatureSetRef ref, List<String> usedBy, String status, String detail) {
        return new Contract(ref.name(), ref.version(), usedBy, status, detail, null, null, 0, List.of(),
                history.samples(ref));
    }
}
