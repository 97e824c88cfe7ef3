package dev.brigade.registry.mapping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.AliasMoved;
import dev.brigade.events.ApprovalGiven;
import dev.brigade.events.CheckOutcome;
import dev.brigade.events.ContractInput;
import dev.brigade.events.GateEvaluated;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import dev.brigade.events.ModelVersionRegistered;
import dev.brigade.events.OffsetRange;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.TaskType;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.events.ValueType;
import dev.brigade.events.VersionArchived;
import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.EvaluationReport;
import dev.brigade.registry.GateCheck;
import dev.brigade.registry.InputType;
import dev.brigade.registry.Lineage;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.ReferenceProfile;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.RegistryChange.AliasChanged;
import dev.brigade.registry.RegistryChange.ApprovalRecorded;
import dev.brigade.registry.RegistryChange.Archived;
import dev.brigade.registry.RegistryChange.Change;
import dev.brigade.registry.RegistryChange.GateRecorded;
import dev.brigade.registry.RegistryChange.SpecAdded;
import dev.brigade.registry.RegistryChange.VersionAdded;
import dev.brigade.registry.RuntimeContract;
import dev.brigade.registry.UseCaseSpec;

/**
 * Between the domain's {@link RegistryChange} and the contract's Avro {@link RegistryEvent}. JSON documents
 * (spec, evaluation report, reference profile) travel as canonical JSON strings; the spec's sha256 is checked on
 * the way in, so a spec altered on the topic is refused rather than folded.
 */
public final class RegistryEventMapper {

    private RegistryEventMapper() {
    }

    /** Thrown for an event that decodes but does not make sense as a registry change. */
    public static final class UnmappableEventException extends RuntimeException {

        UnmappableEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static RegistryEvent toAvro(RegistryChange change) {
        return RegistryEvent.newBuilder()
                .setEventId(change.eventId())
                .setUseCase(change.useCase())
                .setOccurredAt(change.occurredAt())
                .setActor(change.actor())
                .setWhy(change.why())
                .setPayload(payload(change.change()))
                .build();
    }

    /** @throws UnmappableEventException naming what does not map */
    public static RegistryChange toDomain(RegistryEvent event) {
        try {
            return new RegistryChange(event.getEventId(), event.getUseCase(), event.getOccurredAt(), event.getActor(),
                    event.getWhy(), change(event.getPayload()));
        } catch (UnmappableEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnmappableEventException(e.getMessage(), e);
        }
    }

    private static Object payload(Change change) {
        if (change instanceof SpecAdded s) {
            String json = RegistryJson.canonical(s.spec());
            return new UseCaseRegistered(s.specVersion(), TaskType.valueOf(s.spec().task().type().name()),
                    s.spec().task().featureSet().name(), s.spec().task().featureSet().version(), json,
                    s.specSha256());
        }
        if (change instanceof VersionAdded v) {
            return new ModelVersionRegistered(v.version(), v.artifactSha256(), v.artifactSize(), contract(v.contract()),
                    lineage(v.lineage()), RegistryJson.canonical(v.evaluationReport()),
                    RegistryJson.canonical(v.referenceProfile()), ModelRole.valueOf(v.role().name()));
        }
        if (change instanceof GateRecorded g) {
            List<dev.brigade.events.GateCheck> checks = g.checks().stream()
                    .map(check -> new dev.brigade.events.GateCheck(check.name(),
                            CheckOutcome.valueOf(check.outcome().name()), check.detail(),
                            new LinkedHashMap<>(check.numbers())))
                    .toList();
            return new GateEvaluated(g.version(), g.passed(), checks, g.championVersion(), g.specVersion());
        }
        if (change instanceof ApprovalRecorded a) {
            return new ApprovalGiven(a.version(), a.approver(), a.comment());
        }
        if (change instanceof AliasChanged m) {
            return new AliasMoved(ModelAlias.valueOf(m.alias().name()), m.fromVersion(), m.toVersion(),
                    m.trafficPercent(), AliasMoveKind.valueOf(m.kind().name()));
        }
        if (change instanceof Archived a) {
            return new VersionArchived(a.version());
        }
        throw new IllegalArgumentException("unknown change " + change);
    }

    private static Change change(Object payload) {
        if (payload instanceof UseCaseRegistered u) {
            String sha = RegistryJson.sha256(u.getSpec());
            if (!sha.equals(u.getSpecSha256())) {
                throw new UnmappableEventException("spec sha256 is " + sha + ", the event says " + u.getSpecSha256(),
                        null);
            }
            return new SpecAdded(u.getSpecVersion(), RegistryJson.read(u.getSpec(), UseCaseSpec.class),
                    u.getSpecSha256());
        }
        if (payload instanceof ModelVersionRegistered m) {
            return new VersionAdded(m.getVersion(), m.getArtifactSha256(), m.getArtifactSize(),
                    contract(m.getContract()), lineage(m.getLineage()),
                    RegistryJson.read(m.getEvaluationReport(), EvaluationReport.class),
                    RegistryJson.read(m.getReferenceProfile(), ReferenceProfile.class),
                    ModelVersion.Role.valueOf(m.getRole().name()));
        }
        if (payload instanceof GateEvaluated g) {
            List<GateCheck> checks = g.getChecks().stream().map(check -> new GateCheck(check.getName(),
                    GateCheck.Outcome.valueOf(check.getOutcome().name()), check.getDetail(),
                    Map.copyOf(check.getNumbers()))).toList();
            return new GateRecorded(g.getVersion(), g.getPassed(), checks, g.getChampionVersion(),
                    g.getSpecVersion());
        }
        if (payload instanceof ApprovalGiven a) {
            return new ApprovalRecorded(a.getVersion(), a.getApprover(), a.getComment());
        }
        if (payload instanceof AliasMoved m) {
            return new AliasChanged(Alias.valueOf(m.getAlias().name()), m.getFromVersion(), m.getToVersion(),
                    m.getTrafficPercent(), AliasMove.Kind.valueOf(m.getKind().name()));
        }
        if (payload instanceof VersionArchived a) {
            return new Archived(a.getVersion());
        }
        throw new UnmappableEventException("unknown payload " + (payload == null ? null : payload.getClass()), null);
    }

    private static dev.brigade.events.RuntimeContract contract(RuntimeContract c) {
        List<ContractInput> inputs = c.inputs().stream().map(input -> new ContractInput(input.name(),
                ValueType.valueOf(input.type().name()), input.imputation())).toList();
        return new dev.brigade.events.RuntimeContract(inputs, c.output(), c.latencyBudgetMs(), c.decisionThreshold(),
                c.owner());
    }

    private static RuntimeContract contract(dev.brigade.events.RuntimeContract c) {
        List<RuntimeContract.Input> inputs = c.getInputs().stream().map(input -> {
            if (input.getValueType() == ValueType.UNKNOWN) {
                throw new IllegalArgumentException("input " + input.getName() + " has an unknown value type");
            }
            return new RuntimeContract.Input(input.getName(), InputType.valueOf(input.getValueType().name()),
                    input.getImputation());
        }).toList();
        return new RuntimeContract(inputs, c.getOutput(), c.getLatencyBudgetMillis(),
                c.getDecisionThreshold(), c.getOwner());
    }

    private static dev.brigade.events.Lineage lineage(Lineage l) {
        List<OffsetRange> ranges = l.datasetRanges().stream()
                .map(r -> new OffsetRange(r.topic(), r.partition(), r.fromOffset(), r.toOffset())).toList();
        return new dev.brigade.events.Lineage(l.trainingRunId(), l.codeVersion(), l.featureSet(),
                l.featureSetVersion(), ranges, new LinkedHashMap<>(l.hyperparameters()), l.seed());
    }

    private static Lineage lineage(dev.brigade.events.Lineage l) {
        List<Lineage.DatasetRange> ranges = l.getDatasetRanges().stream().map(r -> new Lineage.DatasetRange(
                r.getTopic(), r.getPartition(), r.getFromOffset(), r.getToOffset())).toList();
        return new Lineage(l.getTrainingRunId(), l.getCodeVersion(), l.getFeatureSet(), l.getFeatureSetVersion(),
                ranges, Map.copyOf(l.getHyperparameters()), l.getSeed() == null ? 0L : l.getSeed());
    }
}
