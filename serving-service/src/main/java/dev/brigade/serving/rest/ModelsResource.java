package dev.brigade.serving.rest;

import java.util.Comparator;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.brigade.serving.Deployment;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.service.ModelStore;

/** What serves each use case, next to what the registry asks for: the station's own view, for operators. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "models", description = "Models loaded and serving")
public class ModelsResource {

    public record Serving(String useCase, Integer champion, Integer canary, double canaryPercent, Integer shadow,
            Integer baseline, Integer previousChampion, Registry registry, List<String> notes,
            List<ModelStore.Failure> failures) {
    }

    /** The registry's aliases as folded from registry-events. */
    public record Registry(Integer champion, Integer canary, Double canaryPercent, Integer shadow,
            Integer previousChampion, Integer baseline, double latencyBudgetMs) {
    }

    private final ModelStore models;

    ModelsResource(ModelStore models) {
        this.models = models;
    }

    @GET
    @Operation(summary = "Per use case: the versions serving (champion, canary, shadow, baseline) and load failures")
    public List<Serving> serving() {
        return models.deployments().stream().sorted(Comparator.comparing(Deployment::useCase)).map(d -> {
            var s = d.state();
            Registry registry = new Registry(s.champion(), s.canary(), s.canaryPercent(), s.shadow(),
                    s.previousChampion().orElse(null), s.baseline().orElse(null), d.latencyBudgetMs());
            return new Serving(d.useCase(), v(d.champion()), v(d.canary()), d.canaryPercent(), v(d.shadow()),
                    v(d.baseline()), v(d.previousChampion()), registry, d.notes(), models.failures(d.useCase()));
        }).toList();
    }

    private static Integer v(LoadedModel m) {
        return m == null ? null : m.version();
    }
}
