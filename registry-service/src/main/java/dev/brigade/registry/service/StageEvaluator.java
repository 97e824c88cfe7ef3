package dev.brigade.registry.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.brigade.events.text.Durations;
import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasHolder;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.GateCheck;
import dev.brigade.registry.Lineage;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.SpecVersion;
import dev.brigade.registry.Stage;
import dev.brigade.registry.Stage.Criterion;
import dev.brigade.registry.Stage.Name;
import dev.brigade.registry.Stage.Status;
import dev.brigade.registry.UseCase;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.UseCaseSpec.Signal;

/**
 * The six stages of a use case's loop, derived from its latest spec and the folded state (versions, gates,
 * approvals, aliases and their history). A pure function: the same state gives the same answer, and nothing here
 * is stored. The criteria are documented in docs/stages.md; keep both in step.
 *
 * <p>The loop turns around one version at a time, the <em>focus</em>: the newest trained candidate that is not
 * archived. Before any candidate the focus is absent and the use case waits in data; once the focus is champion the
 * monitor watches it; a newer candidate after the champion is the loop's next turn (monitor -> training).
 */
public final class StageEvaluator {

    private StageEvaluator() {
    }

    /** The stages in loop order, with the focus version they were judged on. */
    public record Stages(String useCase, int specVersion, Integer focusVersion, Integer championVersion, int turn,
            List<Stage> stages) {
    }

    public static Stages evaluate(UseCase useCase) {
        SpecVersion specVersion = useCase.latestSpec();
        UseCaseSpec spec = specVersion.spec();
        ModelVersion focus = focus(useCase);
        ModelVersion champion = useCase.championVersion().flatMap(useCase::version).orElse(null);
        boolean nextTurn = focus != null && champion != null && focus.version() > champion.version();

        List<Criterion[]> parts = new ArrayList<>();
        // framing
        Criterion specRegistered = criterion("spec-registered", "A spec version of the use case is registered", true,
                ev("specVersion", specVersion.version(), "sha256", specVersion.sha256(), "registeredBy",
                        specVersion.registeredBy(), "registeredAt", specVersion.registeredAt()));
        Criterion framed = criterion("framing-sentences",
                "The target, the action taken on a prediction and the cost of an error are each stated", true,
                ev("target", spec.framing().target(), "action", spec.framing().action(), "costOfError",
                        spec.framing().costOfError()));
        Criterion judged = criterion("metrics-declared",
                "A primary metric with its direction, guardrails and a cost-matrix business metric are declared",
                true, ev("primary", spec.metrics().primary().name() + " (" + spec.metrics().primary().direction().wire()
                        + ")", "guardrails", spec.metrics().guardrails().overall().size()
                        + (spec.metrics().guardrails().perSlice() == null ? 0
                                : spec.metrics().guardrails().perSlice().rules().size()),
                        "businessMetric", spec.metrics().businessMetric().name()));
        Criterion policies = criterion("policies-declared",
                "Promotion, retraining and alert policies and an owner per stage are declared", true,
                ev("promotionChecks", spec.promotionPolicy().checks().stream().map(c -> c.wire()).toList(),
                        "rollout", spec.promotionPolicy().rollout().stream().map(UseCaseSpec.RolloutStep::label)
                                .toList(),
                        "retrainingSignals", signals(spec), "alertRules", spec.alertRules().size()));
        parts.add(new Criterion[] {specRegistered});
        parts.add(new Criterion[] {framed, judged, policies});

        // data
        String featureSet = spec.task().featureSet().name() + " v" + spec.task().featureSet().version();
        Criterion setNamed = criterion("feature-set-named",
                "The spec names the feature set, the entity key and the label with its maximum delay", true,
                ev("featureSet", featureSet, "entityKey", spec.task().entityKey(), "labelSource",
                        spec.task().label().source(), "labelMaxDelay",
                        Durations.format(spec.task().label().maxDelay())));
        ModelVersion trainedOn = focus != null ? focus : latest(useCase, ModelVersion.Role.BASELINE);
        Criterion datasetRead;
        if (trainedOn == null) {
            datasetRead = criterion("dataset-trained-on", "A training run read a dataset of " + featureSet, false,
                    ev("featureSet", featureSet, "modelVersions", 0, "waitingFor",
                            minExamplesText(spec)));
        } else {
            Lineage lineage = trainedOn.lineage();
            boolean sameSet = lineage.featureSet().equals(spec.task().featureSet().name())
                    && lineage.featureSetVersion() == spec.task().featureSet().version();
            long examples = lineage.datasetRanges().stream().mapToLong(r -> r.toOffset() - r.fromOffset()).sum();
            datasetRead = criterion("dataset-trained-on", "A training run read a dataset of " + featureSet,
                    sameSet && examples > 0, ev("version", trainedOn.version(), "trainingRunId",
                            lineage.trainingRunId(), "featureSet", lineage.featureSet() + " v"
                                    + lineage.featureSetVersion(), "examples", examples, "ranges",
                            lineage.datasetRanges().size()));
        }
        List<String> declaredSlices = spec.metrics().guardrails().perSlice() == null ? List.of()
                : spec.metrics().guardrails().perSlice().slices();
        Criterion slicesCarried;
        if (declaredSlices.isEmpty()) {
            slicesCarried = criterion("slices-carried", "The examples carry every slice the guardrails name", true,
                    ev("declared", List.of()));
        } else if (focus == null) {
            slicesCarried = criterion("slices-carried", "The examples carry every slice the guardrails name", null,
                    ev("declared", declaredSlices, "why", "no evaluation report yet"));
        } else {
            List<String> seen = focus.evaluationReport().slices().stream().map(s -> s.slice()).distinct().toList();
            List<String> absent = declaredSlices.stream().filter(s -> !seen.contains(s)).toList();
            slicesCarried = criterion("slices-carried", "The examples carry every slice the guardrails name",
                    absent.isEmpty(), ev("declared", declaredSlices, "reported", seen, "absent", absent, "version",
                            focus.version()));
        }
        parts.add(new Criterion[] {setNamed});
        parts.add(new Criterion[] {datasetRead, slicesCarried});

        // training
        List<String> allowed = signals(spec);
        Criterion mayTrain = criterion("retraining-policy",
                "The retraining policy allows runs (the signals it accepts, its cooldown and daily cap)",
                !allowed.isEmpty(), ev("signals", allowed, "minNewLabelledExamples",
                        spec.retrainingPolicy().minNewLabelledExamples(), "cooldown",
                        Durations.format(spec.retrainingPolicy().cooldown()), "maxRunsPerDay",
                        spec.retrainingPolicy().maxRunsPerDay()));
        Criterion candidate = focus == null
                ? criterion("candidate-registered", "A trained candidate is registered with its lineage", false,
                        ev("modelVersions", useCase.versions().size()))
                : criterion("candidate-registered", "A trained candidate is registered with its lineage", true,
                        ev("version", focus.version(), "trainingRunId", focus.lineage().trainingRunId(),
                                "codeVersion", focus.lineage().codeVersion(), "registeredAt", focus.registeredAt(),
                                "why", focus.why()));
        Criterion baseline = baselineOf(useCase, focus);
        parts.add(new Criterion[] {mayTrain});
        parts.add(new Criterion[] {candidate, baseline});

        // evaluation
        Criterion gatePassed = gatePassed(focus);
        Criterion gateCurrent = gateCurrent(useCase, focus, champion);
        Criterion approval = approval(spec, focus);
        parts.add(new Criterion[] {candidate});
        parts.add(new Criterion[] {gatePassed, gateCurrent, approval});

        // deploy
        Criterion rollbackTarget = rollbackTarget(useCase, focus, champion);
        Criterion promoted = promoted(useCase, focus, champion);
        parts.add(new Criterion[] {gatePassed, rollbackTarget});
        parts.add(new Criterion[] {promoted});

        // monitor
        Criterion serving = champion == null
                ? criterion("champion-serving", "A champion serves decisions", false, ev("champion", null))
                : criterion("champion-serving", "A champion serves decisions", true,
                        ev("version", champion.version(), "since", useCase.champion().since()));
        Criterion rules = criterion("alert-rules", "Alert rules with owners watch the use case",
                !spec.alertRules().isEmpty(), ev("rules", spec.alertRules().stream()
                        .map(r -> r.name() + " -> " + r.action().wire()).toList()));
        String profiled = "The champion's training profile is what live inputs are compared with";
        Criterion profile = champion == null
                ? criterion("reference-profile", profiled, false, ev("champion", null))
                : criterion("reference-profile", profiled,
                        champion.referenceProfile() != null && !champion.referenceProfile().features().isEmpty(),
                        ev("version", champion.version(), "features", champion.referenceProfile() == null ? 0
                                : champion.referenceProfile().features().size()));
        List<String> monitorSignals = allowed.stream()
                .filter(s -> s.equals(Signal.DRIFT.wire()) || s.equals(Signal.DEGRADED.wire())).toList();
        Criterion monitorMayRetrain = criterion("retrain-under-policy",
                "The monitor may ask for a run only on a signal the retraining policy accepts, outside its cooldown",
                !monitorSignals.isEmpty(), ev("monitorSignals", monitorSignals, "cooldown",
                        Durations.format(spec.retrainingPolicy().cooldown()), "maxRunsPerDay",
                        spec.retrainingPolicy().maxRunsPerDay()));
        Criterion retrained = nextTurn
                ? criterion("retrained", "A newer candidate was trained after the champion was promoted", true,
                        ev("version", focus.version(), "champion", champion.version(), "why", focus.why()))
                : criterion("retrained", "A newer candidate was trained after the champion was promoted", false,
                        ev("champion", champion == null ? null : champion.version(), "newestCandidate",
                                focus == null ? null : focus.version()));
        parts.add(new Criterion[] {serving, rules, profile});
        parts.add(new Criterion[] {monitorMayRetrain, retrained});

        Map<Name, String> owners = Map.of(Name.FRAMING, spec.owners().framing(), Name.DATA, spec.owners().data(),
                Name.TRAINING, spec.owners().training(), Name.EVALUATION, spec.owners().evaluation(), Name.DEPLOY,
                spec.owners().deploy(), Name.MONITOR, spec.owners().monitor());
        List<Stage> stages = new ArrayList<>();
        boolean currentFound = false;
        for (Name name : Name.values()) {
            List<Criterion> entry = List.of(parts.get(name.ordinal() * 2));
            List<Criterion> exit = List.of(parts.get(name.ordinal() * 2 + 1));
            boolean entered = entry.stream().allMatch(Criterion::holds);
            boolean exited = entered && exit.stream().allMatch(Criterion::holds);
            Status status;
            if (name == Name.MONITOR) {
                // The monitor watches the champion for as long as there is one, whatever the next turn is doing.
                status = entered ? Status.CURRENT : Status.NOT_ENTERED;
            } else if (currentFound) {
                status = Status.NOT_ENTERED;
            } else if (exited) {
                status = Status.EXITED;
            } else {
                status = Status.CURRENT;
                currentFound = true;
            }
            stages.add(new Stage(name, owners.get(name), status, entered, exited, entry, exit));
        }
        int turn = (int) useCase.aliasHistory().stream()
                .filter(m -> m.alias() == Alias.CHAMPION && m.kind() == AliasMove.Kind.PROMOTE).count() + 1;
        return new Stages(useCase.name(), specVersion.version(), focus == null ? null : focus.version(),
                champion == null ? null : champion.version(), turn, List.copyOf(stages));
    }

    /** The newest trained candidate that is not archived (a version the loop can still take forward). */
    static ModelVersion focus(UseCase useCase) {
        return latest(useCase, ModelVersion.Role.CANDIDATE);
    }

    private static ModelVersion latest(UseCase useCase, ModelVersion.Role role) {
        return useCase.versions().stream().filter(v -> v.role() == role && !v.archived())
                .max(Comparator.comparingInt(ModelVersion::version)).orElse(null);
    }

    private static Criterion baselineOf(UseCase useCase, ModelVersion focus) {
        String text = "A simple baseline from the same run is registered beside the candidate";
        if (focus == null) {
            return criterion("baseline-registered", text, false, ev("candidate", null));
        }
        String run = focus.lineage().trainingRunId();
        Optional<ModelVersion> baseline = useCase.versions().stream()
                .filter(v -> v.role() == ModelVersion.Role.BASELINE && v.lineage().trainingRunId().equals(run))
                .findFirst();
        Integer fromReport = focus.evaluationReport().baselineComparison() == null ? null
                : focus.evaluationReport().baselineComparison().baselineVersion();
        return criterion("baseline-registered", text, baseline.isPresent(), ev("trainingRunId", run, "baseline",
                baseline.map(ModelVersion::version).orElse(fromReport), "model",
                focus.evaluationReport().baselineComparison() == null ? null
                        : focus.evaluationReport().baselineComparison().model()));
    }

    private static Criterion gatePassed(ModelVersion focus) {
        String text = "The candidate passed its promotion gate";
        if (focus == null || focus.gate() == null) {
            return criterion("gate-passed", text, false, ev("version", focus == null ? null : focus.version(),
                    "gate", null));
        }
        Map<String, Object> outcomes = new TreeMap<>();
        for (GateCheck check : focus.gate().checks()) {
            outcomes.put(check.name(), check.outcome().name().toLowerCase(java.util.Locale.ROOT));
        }
        return criterion("gate-passed", text, focus.gate().passed(), ev("version", focus.version(), "checks",
                outcomes, "failed", focus.gate().checks().stream()
                        .filter(c -> c.outcome() == GateCheck.Outcome.FAILED).map(GateCheck::name).toList(),
                "specVersion", focus.gate().specVersion(), "evaluatedAt", focus.gate().evaluatedAt()));
    }

    private static Criterion gateCurrent(UseCase useCase, ModelVersion focus, ModelVersion champion) {
        String text = "The gate compared the candidate with the champion it would replace";
        if (focus == null || focus.gate() == null) {
            return criterion("gate-against-champion", text, false, ev("gate", null));
        }
        Integer against = focus.gate().championVersion();
        if (champion != null && champion.version() == focus.version()) {
            // Promoted: the comparison was with the champion of the day, which the promotion checked.
            return criterion("gate-against-champion", text, true, ev("comparedWith", against, "champion",
                    champion.version(), "promoted", true));
        }
        Integer current = champion == null ? null : champion.version();
        return criterion("gate-against-champion", text, java.util.Objects.equals(against, current),
                ev("comparedWith", against, "champion", current));
    }

    private static Criterion approval(UseCaseSpec spec, ModelVersion focus) {
        String text = "An approver other than the registrant signed the candidate off, where the policy asks";
        boolean required = spec.promotionPolicy().requireApproval();
        if (!required) {
            return criterion("approval", text, true, ev("required", false));
        }
        if (focus == null) {
            return criterion("approval", text, false, ev("required", true, "approvals", 0));
        }
        return criterion("approval", text, !focus.approvals().isEmpty(), ev("required", true, "version",
                focus.version(), "approvers", focus.approvals().stream().map(a -> a.approver()).toList()));
    }

    /**
     * The version a rollback would return to once the focus is champion: the champion it replaces, else the
     * previous champion of the stack, else a baseline (serving keeps the baseline loaded as the last resort).
     */
    private static Criterion rollbackTarget(UseCase useCase, ModelVersion focus, ModelVersion champion) {
        String text = "A rollback target is registered: the previous champion, or a baseline";
        Integer previous = null;
        String kind = null;
        if (champion != null && (focus == null || champion.version() != focus.version())) {
            previous = champion.version();
            kind = "champion it replaces";
        } else if (useCase.previousChampion().isPresent()) {
            previous = useCase.previousChampion().get();
            kind = "previous champion";
        } else {
            ModelVersion baseline = latest(useCase, ModelVersion.Role.BASELINE);
            if (baseline != null) {
                previous = baseline.version();
                kind = "baseline";
            }
        }
        if (previous == null) {
            return criterion("rollback-target", text, false, ev("previousChampion", null, "baseline", null));
        }
        ModelVersion target = useCase.version(previous).orElse(null);
        return criterion("rollback-target", text, target != null, ev("version", previous, "kind", kind,
                "artifactSha256", target == null ? null : target.artifactSha256()));
    }

    private static Criterion promoted(UseCase useCase, ModelVersion focus, ModelVersion champion) {
        String text = "The candidate walked the rollout to champion";
        if (focus == null) {
            return criterion("champion-promoted", text, false, ev("candidate", null));
        }
        List<String> walked = useCase.aliasHistory().stream()
                .filter(m -> m.kind() == AliasMove.Kind.PROMOTE && m.toVersion() != null
                        && m.toVersion() == focus.version())
                .map(m -> m.trafficPercent() == null ? m.alias().wire() : m.alias().wire() + " " + m.trafficPercent()
                        + "%")
                .collect(Collectors.toList());
        AliasHolder holder = useCase.champion();
        boolean isChampion = champion != null && champion.version() == focus.version();
        return criterion("champion-promoted", text, isChampion, ev("version", focus.version(), "alias",
                useCase.aliasOf(focus.version()).map(Alias::wire).orElse(null), "walked", walked, "rollout",
                useCase.latestSpec().spec().promotionPolicy().rollout().stream()
                        .map(UseCaseSpec.RolloutStep::label).toList(), "championSince",
                isChampion ? holder.since() : null));
    }

    private static List<String> signals(UseCaseSpec spec) {
        return spec.retrainingPolicy().signals().stream().map(Signal::wire).toList();
    }

    private static String minExamplesText(UseCaseSpec spec) {
        return spec.retrainingPolicy().signals().contains(Signal.NEW_DATA)
                ? spec.retrainingPolicy().minNewLabelledExamples() + " labelled examples (new-data)"
                : "a training request (" + String.join(", ", signals(spec)) + ")";
    }

    private static Criterion criterion(String id, String text, Boolean met, Map<String, Object> evidence) {
        return new Criterion(id, text, met, evidence);
    }

    /** Evidence in the order given; null values are kept, saying "there is none". */
    private static Map<String, Object> ev(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
