package dev.brigade.monitor.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.brigade.monitor.AlertRule;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.WindowSummary;
import dev.brigade.monitor.service.AlertActions;
import dev.brigade.monitor.service.AlertLog;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.service.TrainingRunsView;
import dev.brigade.monitor.streams.MonitorStreams;

/** The JSON the ops dashboard polls: the loop, use cases, windows, alerts and training runs. Read-only. */
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

    DashboardResource(RegistryView registry, MonitorStreams streams, AlertLog alerts, AlertActions actions,
            TrainingRunsView runs) {
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
    public List<UseCaseSummary> useCases() {
        List<UseCaseSummary> out = new ArrayList<>();
        for (RegistryView.UseCase u : registry.snapshot()) {
            List<WindowSummary> last = streams.history(u.name(), null, 1);
            WindowSummary latest = last.isEmpty() ? null : last.get(last.size() - 1);
            out.add(new UseCaseSummary(u.name(), u.settings().classification() ? "binary-classification"
                    : "regression", loop(u.settings()), u.aliases(), u.canaryPercent(), u.versions().size(),
                    alerts.open(u.name()).size(), latest == null ? null : latest.predictions(),
                    latest == null ? null : latest.latencyP99Ms(), latest == null ? 0 : latest.driftedFeatures()));
        }
        return out;
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
    public Response useCase(@PathParam("name") String name) {
        RegistryView.UseCase u = UseCaseNames.find(registry, name);
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
        return Response.ok(new UseCaseDetail(u.name(), s.classification() ? "binary-classification" : "regression",
                s.specVersion(), loop(s), u.aliases(), u.canaryPercent(), versions, u.history(), s.alertRules(),
                s.decisionThreshold(), s.cpuSecondCost(), s.currency(), s.businessMetricName(), open)).build();
    }

    @GET
    @Path("/use-cases/{name}/windows")
    @Operation(summary = "Closed windows (oldest first): volume, latency, cost, drift per feature, skew, performance")
    public List<WindowSummary> windows(@PathParam("name") String name, @QueryParam("version") Integer version,
            @QueryParam("limit") Integer limit) {
        UseCaseNames.find(registry, name);
        int n = limit == null ? 288 : Math.max(1, Math.min(limit, 5000));
        return streams.history(name, version, n);
    }

    public record AlertsView(List<AlertLog.Entry> open, List<AlertLog.Entry> recent, List<AlertLog.Signal> signals,
            List<AlertActions.ActionTaken> actions) {
    }

    @GET
    @Path("/use-cases/{name}/alerts")
    @Operation(summary = "Open and recent alerts, drift events sent to training, and actions taken")
    public AlertsView alerts(@PathParam("name") String name) {
        UseCaseNames.find(registry, name);
        return new AlertsView(alerts.open(name), alerts.recent(name), alerts.signals(name),
                actions.taken().stream().filter(a -> a.useCase().equals(name)).toList());
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
