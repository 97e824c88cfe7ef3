package dev.brigade.registry.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.model.ModelArtifactException;
import dev.brigade.model.Scorer;
import dev.brigade.platform.http.FieldError;
import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasHolder;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.GateResult;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.RegistryChange.AliasChanged;
import dev.brigade.registry.RegistryChange.ApprovalRecorded;
import dev.brigade.registry.RegistryChange.Archived;
import dev.brigade.registry.RegistryChange.GateRecorded;
import dev.brigade.registry.RegistryChange.SpecAdded;
import dev.brigade.registry.RegistryChange.VersionAdded;
import dev.brigade.registry.SpecVersion;
import dev.brigade.registry.UseCase;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.config.RegistryConfig;
import dev.brigade.registry.listener.RegistryReplay;
import dev.brigade.registry.mapping.RegistryJson;
import io.quarkus.runtime.StartupEvent;

/**
 * The registry's reads and commands: each command validates its input, plans its events against the current state
 * under the promotion rules ({@link RolloutRules}), and goes through the one {@link WritePath}, so the caller reads
 * its own write.
 */
@ApplicationScoped
public class RegistryService {

    private static final Logger LOG = Logger.getLogger(RegistryService.class);

    private final RegistryConfig config;
    private final RegistryReplay replay;
    private final RegistryMetrics metrics;
    private final WritePath writes;
    private ArtifactStore artifacts;

    RegistryService(RegistryConfig config, RegistryReplay replay, RegistryMetrics metrics, WritePath writes) {
        this.config = config;
        this.replay = replay;
        this.metrics = metrics;
        this.writes = writes;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 20) StartupEvent start) {
        artifacts = ArtifactStore.of(config);
        LOG.infof("Artifacts under %s", artifacts.location());
    }

    // ---- reads ----

    public List<UseCase> useCases() {
        return replay.state().all();
    }

    public UseCase useCase(String name) {
        Names.useCase(name);
        return replay.state().useCase(name)
                .orElseThrow(() -> RegistryException.notFound("no use case " + name));
    }

    /** A model version with its use case, which knows the alias it holds. */
    public record VersionOf(UseCase useCase, ModelVersion version) {
    }

    public VersionOf version(String name, int version) {
        UseCase useCase = useCase(name);
        return new VersionOf(useCase, useCase.version(version).orElseThrow(
                () -> RegistryException.notFound("use case " + name + " has no model version " + version)));
    }

    /** The version's artifact, verified against its digest. */
    public ArtifactStore.Verified artifact(String name, int version) {
        return artifacts.open(version(name, version).version().artifactSha256());
    }

    public ArtifactStore.Verified artifact(String sha256) {
        return artifacts.open(sha256);
    }

    // ---- use cases ----

    /** The outcome of a spec registration: the version it has, and whether this call created it. */
    public record SpecRegistration(SpecVersion spec, boolean created) {
    }

    /** Registers the spec in body, YAML or JSON. */
    public SpecRegistration putSpec(String name, String body, boolean yaml, String actor, String why) {
        Names.useCase(name);
        if (body == null || body.isBlank()) {
            throw RegistryException.badRequest("body", "required: the spec as YAML or JSON");
        }
        SpecValidator.Result result = SpecValidator.validate(parse("body", body, yaml), name);
        if (!result.valid()) {
            throw RegistryException.invalid("the use case spec is incomplete or invalid: " + result.errors().size()
                    + " field(s) to fix", result.errors());
        }
        UseCaseSpec spec = result.spec();
        String sha = RegistryJson.sha256(RegistryJson.canonical(spec));
        return writes.write(() -> {
            Optional<UseCase> current = replay.state().useCase(name);
            if (current.isPresent()) {
                SpecVersion latest = current.get().latestSpec();
                if (latest.sha256().equals(sha)) {
                    return new WritePath.Plan<>(List.of(), () -> new SpecRegistration(latest, false));
                }
                if (latest.spec().task().type() != spec.task().type()) {
                    throw RegistryException.conflict("use case " + name + " is a " + latest.spec().task().type().wire()
                            + "; a spec cannot change the task type (register a new use case)");
                }
            }
            int version = current.map(u -> u.specs().size() + 1).orElse(1);
            RegistryChange change = writes.change(name, actor, why, new SpecAdded(version, spec, sha));
            return new WritePath.Plan<>(List.of(change), () -> {
                metrics.registered("use-case");
                return new SpecRegistration(useCase(name).spec(version).orElseThrow(), true);
            });
        });
    }

    // ---- model versions ----

    /**
     * Registers a model version: checks the artifact and its metadata, files the artifact under its digest,
     * evaluates the gate (timing the artifact with the platform's scorer) and appends the version and its gate
     * in one transaction.
     */
    public VersionOf registerVersion(String name, Path upload, String fileName, String metadata, String actor) {
        Names.useCase(name);
        if (metadata == null || metadata.isBlank()) {
            throw RegistryException.invalid("no metadata", List.of(new FieldError("metadata",
                    "required: JSON with contract, lineage, evaluationReport and referenceProfile")));
        }
        JsonNode document = parse("metadata", metadata, false);
        Names.artifactFileName(fileName);
        if (upload == null) {
            throw RegistryException.invalid("no artifact", List.of(new FieldError("artifact",
                    "required: the model artifact file (multipart part \"artifact\")")));
        }
        long size = size(upload);
        long max = config.maxArtifactSize().asLongValue();
        if (size > max) {
            throw new RegistryException(RegistryException.Kind.PAYLOAD_TOO_LARGE, "the artifact has " + size
                    + " bytes; the limit is " + max, List.of(new FieldError("artifact", "larger than " + max
                            + " bytes")));
        }
        UseCase useCase = useCase(name);
        UseCaseSpec spec = useCase.latestSpec().spec();
        Scorer scorer = null;
        String problem = null;
        try {
            scorer = Scorer.load(Files.readAllBytes(upload));
        } catch (ModelArtifactException e) {
            problem = "not a valid model artifact: " + e.getMessage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelVersionValidator.Result result = ModelVersionValidator.validate(document, spec, scorer, problem);
        if (!result.valid()) {
            throw RegistryException.invalid("the model version is incomplete or invalid: " + result.errors().size()
                    + " field(s) to fix", result.errors());
        }
        ModelVersionValidator.Metadata m = result.metadata();
        ArtifactStore.Stored stored = artifacts.store(upload);
        Scorer candidate = scorer;
        return writes.write(() -> {
            UseCase current = useCase(name);
            SpecVersion specVersion = current.latestSpec();
            int version = current.nextVersion();
            GateResult gate = gate(current, specVersion, m, candidate);
            RegistryChange added = writes.change(name, actor, m.reason(), new VersionAdded(version, stored.sha256(),
                    stored.size(), m.contract(), m.lineage(), m.evaluationReport(), m.referenceProfile(), m.role()));
            RegistryChange gated = writes.change(name, actor, "gate at registration", new GateRecorded(version,
                    gate.passed(), gate.checks(), gate.championVersion(), gate.specVersion()));
            return new WritePath.Plan<>(List.of(added, gated), () -> {
                metrics.registered("model-version");
                metrics.gate(gate);
                LOG.infof("Registered %s v%d (sha256 %s), gate %s", name, version, stored.sha256(),
                        gate.passed() ? "passed" : "failed");
                return version(name, version);
            });
        });
    }

    private GateResult gate(UseCase current, SpecVersion spec, ModelVersionValidator.Metadata m, Scorer candidate) {
        RegistryConfig.Gate settings = config.gate();
        LatencyMeasurement candidateLatency = LatencyBench.measure(candidate, settings.latencyWarmup(),
                settings.latencyPredictions());
        Integer champion = current.championVersion().orElse(null);
        LatencyMeasurement championLatency = null;
        String championProblem = null;
        if (champion != null) {
            ModelVersion championVersion = current.version(champion).orElseThrow();
            try {
                Scorer championScorer = Scorer.load(artifacts.readVerified(championVersion.artifactSha256()));
                championLatency = LatencyBench.measure(championScorer, settings.latencyWarmup(),
                        settings.latencyPredictions());
            } catch (RegistryException | ModelArtifactException | UncheckedIOException e) {
                if (e instanceof RegistryException re && re.kind() == RegistryException.Kind.INTEGRITY) {
                    metrics.integrityFailure();
                }
                championProblem = e.getMessage();
            }
        }
        return GateEvaluator.evaluate(new GateEvaluator.Input(spec.spec(), spec.version(), m.evaluationReport(),
                champion, candidateLatency, championLatency, championProblem,
                m.role() == ModelVersion.Role.BASELINE), writes.now());
    }

    // ---- approvals ----

    public VersionOf approve(String name, int version, String approver, String comment) {
        Names.useCase(name);
        return writes.write(() -> {
            VersionOf current = version(name, version);
            ModelVersion v = current.version();
            if (v.archived()) {
                throw RegistryException.conflict("v" + version + " is archived");
            }
            if (!v.gatePassed()) {
                throw RegistryException.conflict("v" + version + " did not pass its gate; there is nothing to approve");
            }
            if (approver.equals(v.registeredBy())) {
                throw RegistryException.conflict(approver + " registered v" + version
                        + " and cannot also approve it (four eyes)");
            }
            if (v.approvals().stream().anyMatch(a -> a.approver().equals(approver))) {
                return new WritePath.Plan<>(List.of(), () -> current);
            }
            RegistryChange change = writes.change(name, approver, comment,
                    new ApprovalRecorded(version, approver, comment));
            return new WritePath.Plan<>(List.of(change), () -> {
                metrics.approval();
                return version(name, version);
            });
        });
    }

    // ---- aliases ----

    /**
     * Moves an alias along the rollout of the use case's promotion policy. version null clears shadow or canary.
     */
    public UseCase moveAlias(String name, Alias alias, Integer version, Double trafficPercent, String actor,
            String reason) {
        Names.useCase(name);
        requireReason(reason);
        return writes.write(() -> {
            UseCase current = useCase(name);
            AliasHolder holder = current.holder(alias);
            Integer from = holder == null ? null : holder.version();
            if (version == null) {
                if (alias == Alias.CHAMPION) {
                    throw RegistryException.conflict("the champion cannot be cleared; roll back or promote instead");
                }
                if (holder == null) {
                    throw RegistryException.conflict(alias.wire() + " is not set");
                }
                return aliasPlan(name, actor, reason, new AliasChanged(alias, from, null, null, AliasMove.Kind.CLEAR));
            }
            ModelVersion target = current.version(version)
                    .orElseThrow(() -> RegistryException.notFound("use case " + name + " has no model version "
                            + version));
            Double percent = RolloutRules.check(current, target, alias, trafficPercent);
            return aliasPlan(name, actor, reason, new AliasChanged(alias, from, version, percent,
                    AliasMove.Kind.PROMOTE));
        });
    }

    /** Champion back to the previous champion, in one call. */
    public UseCase rollback(String name, String actor, String reason) {
        Names.useCase(name);
        requireReason(reason);
        return writes.write(() -> {
            UseCase current = useCase(name);
            Integer champion = current.championVersion()
                    .orElseThrow(() -> RegistryException.conflict(name + " has no champion to roll back"));
            Integer previous = current.previousChampion()
                    .orElseThrow(() -> RegistryException.conflict("v" + champion
                            + " is the first champion of " + name + "; there is no previous champion"));
            if (current.version(previous).orElseThrow().archived()) {
                throw RegistryException.conflict("the previous champion v" + previous + " is archived");
            }
            return aliasPlan(name, actor, reason, new AliasChanged(Alias.CHAMPION, champion, previous, null,
                    AliasMove.Kind.ROLLBACK));
        });
    }

    public VersionOf archive(String name, int version, String actor, String reason) {
        Names.useCase(name);
        requireReason(reason);
        return writes.write(() -> {
            VersionOf current = version(name, version);
            ModelVersion v = current.version();
            if (v.archived()) {
                throw RegistryException.conflict("v" + version + " is already archived");
            }
            Optional<Alias> alias = current.useCase().aliasOf(version);
            if (alias.isPresent()) {
                throw RegistryException.conflict("v" + version + " is " + alias.get().wire()
                        + "; move the alias away before archiving it");
            }
            RegistryChange change = writes.change(name, actor, reason, new Archived(version));
            return new WritePath.Plan<>(List.of(change), () -> {
                metrics.archived();
                return version(name, version);
            });
        });
    }

    private WritePath.Plan<UseCase> aliasPlan(String name, String actor, String reason, AliasChanged move) {
        RegistryChange change = writes.change(name, actor, reason, move);
        return new WritePath.Plan<>(List.of(change), () -> {
            metrics.aliasMoved(move.alias(), move.kind());
            LOG.infof("%s moved %s of %s from v%s to v%s (%s): %s", actor, move.alias().wire(), name,
                    move.fromVersion(), move.toVersion(), move.kind(), reason);
            return useCase(name);
        });
    }


    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw RegistryException.invalid("a reason is required", List.of(new FieldError("reason",
                    "required: why, for the audit trail")));
        }
    }


    private static JsonNode parse(String field, String text, boolean yaml) {
        try {
            return RegistryJson.parseDocument(text, yaml);
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest(field, e.getMessage());
        }
    }

    private static long size(Path upload) {
        try {
            return Files.size(upload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
