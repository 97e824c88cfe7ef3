package dev.brigade.registry.rest;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasHolder;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.SpecVersion;
import dev.brigade.registry.UseCase;
import dev.brigade.registry.mapping.RegistryJson;
import dev.brigade.registry.service.RegistryService;

/** What the read endpoints answer: views of the folded state. */
public final class Views {

    private Views() {
    }

    public record SpecView(String name, int version, String sha256, Instant registeredAt, String registeredBy,
            String why, String eventId, JsonNode spec) {

        static SpecView of(String name, SpecVersion v) {
            return new SpecView(name, v.version(), v.sha256(), v.registeredAt(), v.registeredBy(), v.why(),
                    v.eventId(), RegistryJson.tree(RegistryJson.canonical(v.spec())));
        }
    }

    public record AliasesView(String useCase, AliasHolder champion, AliasHolder canary, AliasHolder shadow,
            Integer previousChampion) {

        static AliasesView of(UseCase u) {
            return new AliasesView(u.name(), u.champion(), u.canary(), u.shadow(), u.previousChampion().orElse(null));
        }
    }

    public record UseCaseSummary(String name, int specVersion, String taskType, String featureSet,
            int featureSetVersion, int modelVersions, AliasesView aliases) {

        static UseCaseSummary of(UseCase u) {
            SpecVersion latest = u.latestSpec();
            return new UseCaseSummary(u.name(), latest.version(), latest.spec().task().type().wire(),
                    latest.spec().task().featureSet().name(), latest.spec().task().featureSet().version(),
                    u.versions().size(), AliasesView.of(u));
        }
    }

    public record VersionSummary(int version, String artifactSha256, long artifactSize, Instant registeredAt,
            String registeredBy, Boolean gatePassed, Alias alias, int approvals, boolean archived) {

        static VersionSummary of(UseCase u, ModelVersion v) {
            return new VersionSummary(v.version(), v.artifactSha256(), v.artifactSize(), v.registeredAt(),
                    v.registeredBy(), v.gate() == null ? null : v.gate().passed(), u.aliasOf(v.version()).orElse(null),
                    v.approvals().size(), v.archived());
        }
    }

    /** A model version with where to fetch its artifact and the alias it holds now. */
    public record VersionView(String useCase, ModelVersion version, Alias alias, String artifactUrl) {

        static VersionView of(RegistryService.VersionOf of) {
            UseCase u = of.useCase();
            ModelVersion v = of.version();
            return new VersionView(u.name(), v, u.aliasOf(v.version()).orElse(null),
                    "/v1/use-cases/" + u.name() + "/versions/" + v.version() + "/artifact");
        }
    }

    public record ChampionAt(String useCase, Instant at, Integer version) {
    }

    static List<VersionSummary> summaries(UseCase u) {
        return u.versions().stream().map(v -> VersionSummary.of(u, v)).toList();
    }
}
