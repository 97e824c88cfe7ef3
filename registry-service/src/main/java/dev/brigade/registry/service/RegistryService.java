package dev.brigade.registry.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.events.topics.Topics;
import dev.brigade.model.ModelArtifactException;
import dev.brigade.model.Scorer;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasHolder;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.GateCheck;
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
import dev.brigade.registry.UseCaseSpec.RolloutStep;
import dev.brigade.registry.config.RegistryConfig;
import dev.brigade.registry.listener.RegistryLogReader;
import dev.brigade.registry.listener.RegistryReplay;
import dev.brigade.registry.mapping.RegistryEventMapper;
import dev.brigade.registry.mapping.RegistryJson;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Every change to the registry goes through here, one at a time: validate against the current state, append the
 * events to registry-events in one transaction, wait until the replay has folded them, answer from the state.
 * So the caller reads its own write, and the state never holds anything the log does not.
 */
@ApplicationScoped
public class RegistryService {

    private static final Logger LOG = Logger.getLogger(RegistryService.class);

    private final RegistryConfig config;
    private final RegistryReplay replay;
    private final RegistryMetrics metrics;
    private final KafkaClients clients;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final Clock clock = Clock.systemUTC();
    private ArtifactStore artifacts;
    private volatile RegistryWriter writer;

    RegistryService(RegistryConfig config, RegistryReplay replay, RegistryMetrics metrics, KafkaClients clients) {
        this.config = config;
        this.replay = replay;
        this.metrics = metrics;
        this.clients = clients;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 20) StartupEvent start) {
        artifacts = new ArtifactStore(config.artifactDir());
        writer = new RegistryWriter(clients, Topics.REGISTRY_EVENTS, config.writerId(),
                config.writeTimeout());
        LOG.infof("Artifacts under %s", artifacts.root());
    }

    void stop(@Observes ShutdownEvent stop) {
        if (writer != null) {
            writer.close();
        }
    }

    public ArtifactStore artifacts() {
        return artifacts;
    }

    public boolean fenced() {
        RegistryWriter current = writer;
        return current != null && current.fenced();
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

    public ModelVersion version(String name, int version) {
        return useCase(name).version(version)
                .orElseThrow(() -> RegistryException.notFound("use case " + name + " has no model version " + version));
    }

    // ---- use cases ----

    /** The outcome of a spec registration: the version it has, and whether this call created it. */
    public record SpecRegistration(SpecVersion spec, boolean created) {
    }

    public SpecRegistration putSpec(String name, JsonNode document, String actor, String why) {
        Names.useCase(name);
        SpecValidator.Result result = SpecValidator.validate(document, name);
        if (!result.valid()) {
            throw RegistryException.invalid("the use case spec is incomplete or invalid: " + result.errors().size()
                    + " field(s) to fix", result.errors());
        }
        UseCaseSpec spec = result.spec();
        String sha = RegistryJson.sha256(RegistryJson.canonical(spec));
        return write(() -> {
            Optional<UseCase> current = replay.state().useCase(name);
            if (current.isPresent()) {
                SpecVersion latest = current.get().latestSpec();
                if (latest.sha256().equals(sha)) {
                    return new Plan<>(List.of(), () -> new SpecRegistration(latest, false));
                }
                if (latest.spec().task().type() != spec.task().type()) {
                    throw RegistryException.conflict("use case " + name + " is a " + latest.spec().task().type().wire()
                            + "; a spec cannot change the task type (register a new use case)");
                }
            }
            int version = current.map(u -> u.specs().size() + 1).orElse(1);
            RegistryChange change = change(name, actor, why, new SpecAdded(version, spec, sha));
            return new Plan<>(List.of(change), () -> {
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
    public ModelVersion registerVersion(String name, Path upload, String fileName, JsonNode metadata, String actor) {
        Names.useCase(name);
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
        ModelVersionValidator.Result result = ModelVersionValidator.validate(metadata, spec, scorer, problem);
        if (!result.valid()) {
            throw RegistryException.invalid("the model version is incomplete or invalid: " + result.errors().size()
                    + " field(s) to fix", result.errors());
        }
        ModelVersionValidator.Metadata m = result.metadata();
        ArtifactStore.Stored stored = artifacts.store(upload);
        Scorer candidate = scorer;
        return write(() -> {
            UseCase current = useCase(name);
            SpecVersion specVersion = current.latestSpec();
            int version = current.nextVersion();
            GateResult gate = gate(current, specVersion, m, candidate);
            RegistryChange added = change(name, actor, m.reason(), new VersionAdded(version, stored.sha256(),
                    stored.size(), m.contract(), m.lineage(), m.evaluationReport(), m.referenceProfile(), m.role()));
            RegistryChange gated = change(name, actor, "gate at registration", new GateRecorded(version,
                    gate.passed(), gate.checks(), gate.championVersion(), gate.specVersion()));
            return new Plan<>(List.of(added, gated), () -> {
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
                m.role() == ModelVersion.Role.BASELINE), now());
    }

    // ---- approvals ----

    public ModelVersion approve(String name, int version, String approver, String comment) {
        Names.useCase(name);
        return write(() -> {
            ModelVersion v = version(name, version);
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
                return new Plan<>(List.of(), () -> v);
            }
            RegistryChange change = change(name, approver, comment, new ApprovalRecorded(version, approver, comment));
            return new Plan<>(List.of(change), () -> {
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
        return write(() -> {
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
            Double percent = checkPromotion(current, target, alias, trafficPercent);
            return aliasPlan(name, actor, reason, new AliasChanged(alias, from, version, percent,
                    AliasMove.Kind.PROMOTE));
        });
    }

    /** Champion back to the previous champion, in one call. */
    public UseCase rollback(String name, String actor, String reason) {
        Names.useCase(name);
        requireReason(reason);
        return write(() -> {
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

    public ModelVersion archive(String name, int version, String actor, String reason) {
        Names.useCase(name);
        requireReason(reason);
        return write(() -> {
            UseCase current = useCase(name);
            ModelVersion v = version(name, version);
            if (v.archived()) {
                throw RegistryException.conflict("v" + version + " is already archived");
            }
            Optional<Alias> alias = current.aliasOf(version);
            if (alias.isPresent()) {
                throw RegistryException.conflict("v" + version + " is " + alias.get().wire()
                        + "; move the alias away before archiving it");
            }
            RegistryChange change = change(name, actor, reason, new Archived(version));
            return new Plan<>(List.of(change), () -> {
                metrics.archived();
                return version(name, version);
            });
        });
    }

    private Plan<UseCase> aliasPlan(String name, String actor, String reason, AliasChanged move) {
        RegistryChange change = change(name, actor, reason, move);
        return new Plan<>(List.of(change), () -> {
            metrics.aliasMoved(move.alias(), move.kind());
            LOG.infof("%s moved %s of %s from v%s to v%s (%s): %s", actor, move.alias().wire(), name,
                    move.fromVersion(), move.toVersion(), move.kind(), reason);
            return useCase(name);
        });
    }

    /**
     * The promotion rules: a passed gate against the current champion, an approval where the policy wants one
     * (canary and champion: shadow takes no decisions), and the rollout's next step for this version. Canary steps
     * apply only when there is a champion to share traffic with.
     *
     * @return the canary's traffic percent, or null
     */
    static Double checkPromotion(UseCase current, ModelVersion target, Alias alias, Double trafficPercent) {
        int v = target.version();
        if (target.archived()) {
            throw RegistryException.conflict("v" + v + " is archived");
        }
        if (!target.gatePassed()) {
            throw RegistryException.conflict("v" + v + " did not pass its gate"
                    + (target.gate() == null ? "" : ": " + failedChecks(target.gate())));
        }
        Integer champion = current.championVersion().orElse(null);
        if (alias != Alias.SHADOW && champion != null && champion != v
                && !champion.equals(target.gate().championVersion())) {
            throw RegistryException.conflict("v" + v + " was gated against " + (target.gate().championVersion() == null
                    ? "no champion" : "champion v" + target.gate().championVersion()) + " but the champion is now v"
                    + champion + ": register a version evaluated against v" + champion);
        }
        UseCaseSpec.PromotionPolicy policy = current.latestSpec().spec().promotionPolicy();
        if (alias != Alias.SHADOW && policy.requireApproval() && target.approvals().isEmpty()) {
            throw RegistryException.conflict("the promotion policy requires an approval of v" + v + " before "
                    + alias.wire());
        }
        List<RolloutStep> steps = policy.rollout();
        int at = stepOf(current, steps, v);
        if (alias != Alias.CANARY && trafficPercent != null) {
            throw RegistryException.badRequest("trafficPercent", "only a canary takes a share of traffic");
        }
        int wanted = -1;
        for (int i = 0; i < steps.size(); i++) {
            RolloutStep step = steps.get(i);
            if (step.alias() != alias) {
                continue;
            }
            boolean matches = alias != Alias.CANARY || (trafficPercent == null ? i > at
                    : step.trafficPercent().equals(trafficPercent));
            if (matches) {
                wanted = i;
                break;
            }
        }
        if (wanted < 0) {
            throw RegistryException.conflict("the rollout " + labels(steps) + " has no step " + alias.wire()
                    + (trafficPercent == null ? "" : " " + trafficPercent + "%") + " for v" + v);
        }
        if (wanted == at) {
            throw RegistryException.conflict("v" + v + " is already " + steps.get(at).label());
        }
        int next = next(steps, at, champion != null && champion != v);
        if (wanted != next) {
            throw RegistryException.conflict("v" + v + " is at " + (at < 0 ? "no step" : steps.get(at).label())
                    + " of the rollout " + labels(steps) + "; its next step is "
                    + (next < steps.size() ? steps.get(next).label() : "none") + ", not " + steps.get(wanted).label());
        }
        return steps.get(wanted).trafficPercent();
    }

    /** The rollout step the version is at, or -1. */
    static int stepOf(UseCase current, List<RolloutStep> steps, int version) {
        Optional<Alias> alias = current.aliasOf(version);
        if (alias.isEmpty()) {
            return -1;
        }
        Double percent = alias.get() == Alias.CANARY ? current.canary().trafficPercent() : null;
        for (int i = 0; i < steps.size(); i++) {
            RolloutStep step = steps.get(i);
            if (step.alias() == alias.get() && (percent == null || percent.equals(step.trafficPercent()))) {
                return i;
            }
        }
        return -1;
    }

    private static int next(List<RolloutStep> steps, int at, boolean championExists) {
        for (int i = at + 1; i < steps.size(); i++) {
            if (steps.get(i).alias() != Alias.CANARY || championExists) {
                return i;
            }
        }
        return steps.size();
    }

    private static String labels(List<RolloutStep> steps) {
        return String.join(" -> ", steps.stream().map(RolloutStep::label).toList());
    }

    private static String failedChecks(GateResult gate) {
        List<String> failed = new ArrayList<>();
        gate.checks().stream().filter(c -> c.outcome() == GateCheck.Outcome.FAILED)
                .forEach(c -> failed.add(c.name() + " (" + c.detail() + ")"));
        return String.join("; ", failed);
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw RegistryException.invalid("a reason is required", List.of(new FieldError("reason",
                    "required: why, for the audit trail")));
        }
    }

    // ---- the write path ----

    private record Plan<T>(List<RegistryChange> changes, Supplier<T> result) {
    }

    private <T> T write(Supplier<Plan<T>> planner) {
        try {
            if (!writeLock.tryLock(config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "the registry is busy; retry");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted");
        }
        try {
            requireWritable();
            Plan<T> plan = planner.get();
            if (!plan.changes().isEmpty()) {
                append(plan.changes());
            }
            return plan.result().get();
        } finally {
            writeLock.unlock();
        }
    }

    private void append(List<RegistryChange> changes) {
        RegistryLogReader reader = replay.reader();
        List<RecordMetadata> written = writer.write(changes.stream().map(RegistryEventMapper::toAvro).toList());
        for (int i = 0; i < written.size(); i++) {
            RecordMetadata record = written.get(i);
            MDC.put("eventId", changes.get(i).eventId());
            try {
                LOG.debugf("Wrote %s at %s-%d@%d", changes.get(i).change().getClass().getSimpleName(), record.topic(),
                        record.partition(), record.offset());
                if (!reader.awaitApplied(record.partition(), record.offset(), config.writeTimeout())) {
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "the change is in the log (offset "
                            + record.offset() + ") but the replay has not applied it yet; it will appear shortly");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted");
            } finally {
                MDC.remove("eventId");
            }
        }
        for (RegistryChange change : changes) {
            Optional<String> refused = reader.rejection(change.eventId());
            if (refused.isPresent()) {
                throw RegistryException.conflict("the registry log refused the change: " + refused.get());
            }
        }
    }

    private void requireWritable() {
        if (writer == null || !replay.caughtUp()) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE,
                    "the registry is replaying registry-events; retry when /q/health/ready is UP");
        }
        if (writer.fenced()) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE,
                    "this registry instance was fenced by another one; send writes there");
        }
        if (!replay.reader().running()) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "the replay of registry-events stopped");
        }
    }

    private RegistryChange change(String useCase, String actor, String why, RegistryChange.Change change) {
        return new RegistryChange(UUID.randomUUID().toString(), useCase, now(), actor, why, change);
    }

    /** Millisecond time (what the log keeps), never before the latest event, so history stays in time order. */
    private Instant now() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant last = replay.state().lastOccurredAt();
        return now.isBefore(last) ? last : now;
    }

    private static long size(Path upload) {
        try {
            return Files.size(upload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
