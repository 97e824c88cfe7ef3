package dev.brigade.monitor.rest;

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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.monitor.AlertRule;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.WindowSummary;
import dev.brigade.monitor.client.MonitorPeers;
import dev.brigade.monitor.client.Peers;
import dev.brigade.monitor.service.AlertActions;
import dev.brigade.monitor.service.AlertLog;
import dev.brigade.monitor.service.OwnerUnavailable;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.service.TrainingRunsView;
import dev.brigade.monitor.service.UseCaseRouting;
import dev.brigade.monitor.streams.MonitorStreams;

/**
 * The JSON the ops dashboard polls: the loop, use cases, windows, alerts and training runs. Read-only. Any instance
 * answers the same: a use case's windows are read on the instance that owns it ({@link UseCaseRouter}), the list of
 * use cases merges each owner's part, and the actions taken merge every instance's.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "monitor", description = "Windows, drift, skew, realised performance, alerts and runs per use case")
public class DashboardResource {

    /** The loop's stages in order, with the station that runs each. */
    static final List<Map.Entry<String, String>> STAGES = List.of(Map.entry("framing", "registry-service"),
            Map.entry("data", "feature-service"), Map.entry("training", "training-service"),
            Map.entry("evaluation", "training-service + registry gate"),
            Map.entry("deploy", "registry-service + serving-service"), Map.entry("monitor", "monitor-service"));

    private final RegistryView registry;
    private final MonitorStreams streams;
    private final AlertLog alerts;
    private final AlertActions actions;
    private final TrainingRunsView runs;
    private final UseCaseRouter router;
    private final ObjectMapper json;

    DashboardResource(RegistryView registry, MonitorStreams streams, AlertLog alerts, AlertActions actions,
            TrainingRunsView runs, UseCaseRouter router, ObjectMapper json) {
        this.router = router;
        this.json = json;
        this.registry = registry;
        this.streams = streams;
        this.alerts = alerts;
        this.actions = actions;
        this.runs = runs;
    }

    public record Stage(String stage, String owner, String station) {
    }

    public record UseCaseSummary(String name, String task, List<Stage> loop, Map<String, Integer> aliases,
            Double canaryPercent, int versions, int openAlerts, Long lastWindowVolume, Double lastP99LatencyMs,
            int driftedFeatures) {
    }

    @GET
    @Path("/use-cases")
    @Operation(summary = "Every use case the registry knows, with its loop owners, aliases and latest window")
    public List<UseCaseSummary> useCases(@HeaderParam(MonitorPeers.ROUTED_HEADER) String routedBy) {
        List<RegistryView.UseCase> all = registry.snapshot();
        UseCaseRouting.Split<HostInfo> split = router.settled(
                () -> UseCaseRouting.split(all.stream().map(RegistryView.UseCase::name).toList(), streams::owner),
                s -> !s.unknown().isEmpty());
        Map<String, UseCaseSummary> here = new LinkedHashMap<>();
        for (RegistryView.UseCase u : all) {
            if (split.here().contains(u.name())) {
                here.put(u.name(), summary(u));
            }
        }
        if (routedBy != null) {
            // asked by another instance: the use cases owned here, in the registry's order; it merges
            return List.copyOf(here.values());
        }
        if (!split.unknown().isEmpty()) {
            router.count("unavailable");
            throw new OwnerUnavailable("the owner of use case " + split.unknown().get(0) + " is not known now "
                    + "(rebalancing)");
        }
        HostInfo self = HostInfo.buildFromEndpoint(router.self());
        Map<HostInfo, Map<String, UseCaseSummary>> answers = new LinkedHashMap<>();
        Map<HostInfo, List<String>> asked = new LinkedHashMap<>(split.remote());
        answers.put(self, here);
        asked.put(self, split.here());
        for (HostInfo owner : split.remote().keySet()) {
            List<UseCaseSummary> theirs = parse(router.ask(owner, p -> p.useCases(router.self())),
                    new TypeReference<List<UseCaseSummary>>() {
                    });
            Map<String, UseCaseSummary> byName = new LinkedHashMap<>();
            theirs.forEach(u -> byName.put(u.name(), u));
            answers.put(owner, byName);
        }
        try {
            router.count(split.remote().isEmpty() ? "here" : "merged");
            return UseCaseRouting.merge(all.stream().map(RegistryView.UseCase::name).toList(), answers, asked);
        } catch (UseCaseRouting.Missing e) {
            throw new OwnerUnavailable(e.getMessage());
        }
    }

    private UseCaseSummary summary(RegistryView.UseCase u) {
        List<WindowSummary> last = streams.history(u.name(), null, 1);
        WindowSummary latest = last.isEmpty() ? null : last.get(last.size() - 1);
        return new UseCaseSummary(u.name(), u.settings().classification() ? "binary-classification"
                : "regression", loop(u.settings()), u.aliases(), u.canaryPercent(), u.versions().size(),
                alerts.open(u.name()).size(), latest == null ? null : latest.predictions(),
                latest == null ? null : latest.latencyP99Ms(), latest == null ? 0 : latest.driftedFeatures());
    }

    /** Another instance's 200 answer, read; any other answer means it cannot answer now. */
    private <T> T parse(Peers.Answer answer, TypeReference<T> type) {
        if (answer.status() != 200) {
            throw new OwnerUnavailable("instance " + answer.instance() + " answered " + answer.status());
        }
        try {
            return json.readValue(answer.body(), type);
        } catch (java.io.IOException e) {
            throw new OwnerUnavailable("instance " + answer.instance() + " answered unreadable JSON ("
                    + e.getMessage() + ")");
        }
    }

    public record VersionView(int version, String role, String alias, long registeredAt, String actor, String why,
            String owner, String trainingRunId, Boolean gatePassed, boolean archived, Map<String, Double> offline,
            List<String> profiledFeatures) {
    }

    public record UseCaseDetail(String name, String task, int specVersion, List<Stage> loop,
            Map<String, Integer> aliases, Double canaryPercent, List<VersionView> versions,
            List<RegistryView.AliasMove> aliasHistory, List<AlertRule> alertRules, Double decisionThreshold,
            double cpuSecondCost, String currency, String businessMetric, List<OpenWindow> openWindows) {
    }

    public record OpenWindow(int version, long windowStart, long windowEnd, long predictions, long labelled,
            long skewPairs) {
    }

    @GET
    @Path("/use-cases/{name}")
    @Operation(summary = "A use case: loop owners, versions with aliases and offline evaluation, alias history, rules")
    public RestResponse<UseCaseDetail> useCase(@PathParam("name") String name,
            @HeaderParam(MonitorPeers.ROUTED_HEADER) String routedBy) {
        RegistryView.UseCase u = UseCaseNames.find(registry, name);
        Optional<RestResponse<UseCaseDetail>> owner = router.elsewhere(name, routedBy,
                p -> p.useCase(name, router.self()));
        if (owner.isPresent()) {
            return owner.get();
        }
        List<VersionView> versions = new ArrayList<>();
        for (RegistryView.Version v : u.versions().values()) {
            String alias = u.aliases().entrySet().stream().filter(e -> e.getValue() == v.version())
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            versions.add(new VersionView(v.version(), v.role(), alias, v.registeredAt(), v.actor(), v.why(), v.owner(),
                    v.trainingRunId(), v.gatePassed(), v.archived(), v.offline(),
                    v.profile().features().stream().map(f -> f.name()).toList()));
        }
        List<OpenWindow> open = streams.open(name).stream().map(w -> new OpenWindow(w.version, w.start, w.end,
                w.served.predictions, w.outcomes.labelled, w.features.skewPairs)).toList();
        UseCaseSettings s = u.settings();
        return RestResponse.ok(new UseCaseDetail(u.name(), s.classification() ? "binary-classification"
                : "regression", s.specVersion(), loop(s), u.aliases(), u.canaryPercent(), versions, u.history(),
                s.alertRules(), s.decisionThreshold(), s.cpuSecondCost(), s.currency(), s.businessMetricName(), open));
    }

    @GET
    @Path("/use-cases/{name}/windows")
    @Operation(summary = "Closed windows (oldest first): volume, latency, cost, drift per feature, skew, performance")
    public RestResponse<List<WindowSummary>> windows(@PathParam("name") String name,
            @QueryParam("version") Integer version, @QueryParam("limit") Integer limit,
            @HeaderParam(MonitorPeers.ROUTED_HEADER) String routedBy) {
        UseCaseNames.find(registry, name);
        Optional<RestResponse<List<WindowSummary>>> owner = router.elsewhere(name, routedBy,
                p -> p.windows(name, version, limit, router.self()));
        if (owner.isPresent()) {
            return owner.get();
        }
        int n = limit == null ? 288 : Math.max(1, Math.min(limit, 5000));
        return RestResponse.ok(streams.history(name, version, n));
    }

    public record AlertsView(List<AlertLog.Entry> open, List<AlertLog.Entry> recent, List<AlertLog.Signal> signals,
            List<AlertActions.ActionTaken> actions) {
    }

    @GET
    @Path("/use-cases/{name}/alerts")
    @Operation(summary = "Open and recent alerts, drift events sent to training, and actions taken")
    public AlertsView alerts(@PathParam("name") String name,
            @HeaderParam(MonitorPeers.ROUTED_HEADER) String routedBy) {
        UseCaseNames.find(registry, name);
        // the alerts and drift events are replayed whole on every instance; the actions were taken by whichever
        // instance's consumer held the alert's partition, in its memory: asked of every instance, merged
        List<List<AlertActions.ActionTaken>> taken = new ArrayList<>();
        taken.add(actions.taken().stream().filter(a -> a.useCase().equals(name)).toList());
        if (routedBy == null) {
            for (HostInfo other : router.otherInstances()) {
                JsonNode theirs = parse(router.ask(other, p -> p.alerts(name, router.self())),
                        new TypeReference<JsonNode>() {
                        });
                taken.add(json.convertValue(theirs.path("actions"),
                        new TypeReference<List<AlertActions.ActionTaken>>() {
                        }));
            }
        }
        return new AlertsView(alerts.open(name), alerts.recent(name), alerts.signals(name),
                AlertActions.merge(taken));
    }

    @GET
    @Path("/use-cases/{name}/runs")
    @Operation(summary = "Training runs of the use case, newest first, with loss per epoch")
    public List<TrainingRunsView.Run> runs(@PathParam("name") String name) {
        UseCaseNames.find(registry, name);
        return runs.of(name);
    }

    static List<Stage> loop(UseCaseSettings s) {
        return STAGES.stream().map(e -> new Stage(e.getKey(), s.owners().getOrDefault(e.getKey(), "(unowned)"),
                e.getValue())).toList();
    }
}
