package dev.brigade.registry.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.document.Fields;
import dev.brigade.platform.document.Wire;
import dev.brigade.platform.http.FieldError;
import dev.brigade.registry.Alias;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.UseCaseSpec.AlertAction;
import dev.brigade.registry.UseCaseSpec.AlertRule;
import dev.brigade.registry.UseCaseSpec.AlertSeverity;
import dev.brigade.registry.UseCaseSpec.BusinessMetric;
import dev.brigade.registry.UseCaseSpec.Check;
import dev.brigade.registry.UseCaseSpec.CostCell;
import dev.brigade.registry.UseCaseSpec.CostMatrix;
import dev.brigade.registry.UseCaseSpec.Direction;
import dev.brigade.registry.UseCaseSpec.Economics;
import dev.brigade.registry.UseCaseSpec.FeatureSetRef;
import dev.brigade.registry.UseCaseSpec.FairnessGuardrails;
import dev.brigade.registry.UseCaseSpec.Framing;
import dev.brigade.registry.UseCaseSpec.Guardrail;
import dev.brigade.registry.UseCaseSpec.Guardrails;
import dev.brigade.registry.UseCaseSpec.Label;
import dev.brigade.registry.UseCaseSpec.Metrics;
import dev.brigade.registry.UseCaseSpec.Owners;
import dev.brigade.registry.UseCaseSpec.PrimaryMetric;
import dev.brigade.registry.UseCaseSpec.PromotionPolicy;
import dev.brigade.registry.UseCaseSpec.RetrainingPolicy;
import dev.brigade.registry.UseCaseSpec.RolloutStep;
import dev.brigade.registry.UseCaseSpec.Serving;
import dev.brigade.registry.UseCaseSpec.ServingMode;
import dev.brigade.registry.UseCaseSpec.Signal;
import dev.brigade.registry.UseCaseSpec.SliceGuardrails;
import dev.brigade.registry.UseCaseSpec.Task;
import dev.brigade.registry.UseCaseSpec.TaskType;
import dev.brigade.registry.UseCaseSpec.Hyperparameters;
import dev.brigade.registry.UseCaseSpec.Training;
import dev.brigade.registry.UseCaseSpec.When;

/**
 * Turns a spec document (YAML or JSON, already parsed) into a {@link UseCaseSpec}, or the complete list of what is
 * missing or invalid. This is where "refuse a use case whose decision hook is unclear" lives.
 */
public final class SpecValidator {

    private SpecValidator() {
    }

    /** Either a complete spec or every error; never both. */
    public record Result(UseCaseSpec spec, List<FieldError> errors) {

        public boolean valid() {
            return errors.isEmpty();
        }
    }

    public static Result validate(JsonNode document, String name) {
        Fields fields = new Fields();
        Fields.Obj root = fields.root(document);
        String declaredName = root.text("name", false, "the use case name; must equal the name in the URL");
        if (declaredName != null && !declaredName.equals(name)) {
            fields.error("name", "is \"" + declaredName + "\" but the URL names \"" + name + "\"");
        }
        String description = root.text("description", false, "what the use case is for");

        Framing framing = framing(root.object("framing", true));
        Task task = task(fields, root.object("task", true));
        TaskType type = task == null ? null : task.type();
        Metrics metrics = metrics(fields, root.object("metrics", true), type);
        Serving serving = serving(fields, root.object("serving", true), type);
        Economics economics = economics(root.object("economics", true));
        Owners owners = owners(root.object("owners", true));
        PromotionPolicy policy = promotionPolicy(fields, root.object("promotionPolicy", true), type);
        RetrainingPolicy retraining = retrainingPolicy(fields, root.object("retrainingPolicy", true));
        List<AlertRule> alertRules = alertRules(fields, root);
        List<String> protectedAttributes = root.texts("protectedAttributes", false, 1,
                "slice attributes whose groups must each meet the per-slice guardrails, and whose gaps are measured");
        if (metrics != null && metrics.guardrails().fairness() != null
                && (protectedAttributes == null || protectedAttributes.isEmpty())) {
            fields.error("metrics.guardrails.fairness", "caps gaps between the slices of the protectedAttributes,"
                    + " but the spec names none: add protectedAttributes (e.g. [region])");
        }
        if (protectedAttributes != null && metrics != null) {
            List<String> sliced = metrics.guardrails().perSlice() == null ? List.of()
                    : metrics.guardrails().perSlice().slices();
            for (String attribute : protectedAttributes) {
                if (!sliced.contains(attribute)) {
                    fields.error("protectedAttributes", "\"" + attribute
                            + "\" must also be listed in metrics.guardrails.perSlice.slices, so the gate checks it");
                }
            }
        }
        Training training = training(fields, root.object("training", false));
        root.done();
        if (!fields.ok()) {
            return new Result(null, fields.errors());
        }
        UseCaseSpec spec = new UseCaseSpec(name, description, framing, task, metrics, serving, economics, owners,
                policy, retraining, alertRules, protectedAttributes == null ? List.of() : protectedAttributes,
                training);
        return new Result(spec, List.of());
    }

    private static Framing framing(Fields.Obj o) {
        String target = o.sentence("target", "what is predicted");
        String action = o.sentence("action", "what is done with the prediction");
        String cost = o.sentence("costOfError", "what a wrong prediction costs");
        o.done();
        return new Framing(target, action, cost);
    }

    private static Task task(Fields fields, Fields.Obj o) {
        TaskType type = o.choice("type", TaskType.class, true, "the kind of prediction");
        String entityKey = o.text("entityKey", true, "the entity a prediction is about (e.g. card_id)");
        Fields.Obj fs = o.object("featureSet", true);
        String fsName = fs.text("name", true, "the feature set the model reads");
        Long fsVersion = fs.integer("version", true, "the feature set version", 1, Integer.MAX_VALUE);
        fs.done();
        Fields.Obj label = o.object("label", true);
        String source = label.text("source", true, "where labels come from");
        Duration maxDelay = label.duration("maxDelay", true, "how late a label may arrive");
        label.done();
        o.done();
        if (type == null || entityKey == null || fsName == null || fsVersion == null || source == null
                || maxDelay == null) {
            return null;
        }
        return new Task(type, entityKey, new FeatureSetRef(fsName, fsVersion.intValue()), new Label(source, maxDelay));
    }

    private static Metrics metrics(Fields fields, Fields.Obj o, TaskType type) {
        Fields.Obj primaryObj = o.object("primary", true);
        String primaryName = primaryObj.text("name", true, "the one metric candidates are compared on");
        Direction direction = primaryObj.choice("direction", Direction.class, true, "whether higher or lower is better");
        primaryObj.done();

        Fields.Obj guard = o.object("guardrails", true);
        List<Guardrail> overall = guardrails(fields, guard.objects("overall", true, 1,
                "metrics that must hold on the whole holdout"));
        Fields.Obj perSliceObj = guard.object("perSlice", true);
        List<String> slices = perSliceObj.texts("slices", true, 1, "slice attributes evaluated separately");
        Long minSliceSize = perSliceObj.integer("minSliceSize", true,
                "slices with fewer examples are skipped, and reported so", 1, Integer.MAX_VALUE);
        List<Guardrail> sliceRules = guardrails(fields, perSliceObj.objects("rules", true, 1,
                "metrics that must hold in every slice"));
        perSliceObj.done();
        FairnessGuardrails fairness = fairness(fields, guard.object("fairness", false), type);
        guard.done();

        Fields.Obj business = o.object("businessMetric", true);
        String businessName = business.text("name", true, "name of the cost per prediction");
        CostMatrix matrix = costMatrix(fields, business.object("costMatrix", true), type);
        business.done();
        o.done();
        if (primaryName == null || direction == null || overall == null || slices == null || minSliceSize == null
                || sliceRules == null || businessName == null || matrix == null) {
            return null;
        }
        return new Metrics(new PrimaryMetric(primaryName, direction),
                new Guardrails(overall, new SliceGuardrails(slices, minSliceSize.intValue(), sliceRules), fairness),
                new BusinessMetric(businessName, matrix));
    }

    /**
     * Optional caps on the gaps between the slices of the protected attributes: {@code minSliceSize} (default the
     * per-slice one) and {@code maxGaps}, gap metric -> cap, the metrics depending on the task.
     */
    private static FairnessGuardrails fairness(Fields fields, Fields.Obj o, TaskType type) {
        if (!o.present()) {
            return null;
        }
        Long minSliceSize = o.integer("minSliceSize", false,
                "least rows in a rate's denominator for a slice to count in its gap", 1, Integer.MAX_VALUE);
        Fields.Obj caps = o.object("maxGaps", true);
        o.done();
        List<String> allowed = type == TaskType.REGRESSION ? FairnessGuardrails.REGRESSION_GAPS
                : FairnessGuardrails.CLASSIFICATION_GAPS;
        if (!caps.present()) {
            caps.reportSelfMissing("gap metric -> largest acceptable gap, with metrics " + String.join(", ", allowed));
            return null;
        }
        Map<String, Double> maxGaps = new LinkedHashMap<>();
        boolean named = false;
        for (Iterator<String> names = caps.fieldNames(); names.hasNext();) {
            String metric = names.next();
            named = true;
            if (!allowed.contains(metric)) {
                fields.error(caps.path(metric), "must be one of " + String.join(", ", allowed)
                        + (type == null ? "" : " for " + type.wire()) + ", is \"" + metric + "\"");
                caps.any(metric);
                continue;
            }
            // A rate's gap lies in [0, 1]; an error's in minutes, euros or whatever the label's unit is.
            Double cap = caps.number(metric, true, "largest acceptable gap between slices", 0, false,
                    metric.equals("mae") ? Double.MAX_VALUE : 1);
            if (cap != null) {
                maxGaps.put(metric, cap);
            }
        }
        caps.done();
        if (maxGaps.isEmpty()) {
            if (!named) {
                fields.error(caps.ownPath(), "must cap at least one of " + String.join(", ", allowed));
            }
            return null;
        }
        return new FairnessGuardrails(minSliceSize == null ? null : minSliceSize.intValue(), Map.copyOf(maxGaps));
    }

    private static List<Guardrail> guardrails(Fields fields, List<Fields.Obj> items) {
        if (items == null) {
            return null;
        }
        List<Guardrail> rules = new ArrayList<>();
        boolean ok = true;
        for (Fields.Obj item : items) {
            String metric = item.text("metric", true, "the guarded metric");
            Double min = item.number("min", false, "lowest acceptable value", -Double.MAX_VALUE, false,
                    Double.MAX_VALUE);
            Double max = item.number("max", false, "highest acceptable value", -Double.MAX_VALUE, false,
                    Double.MAX_VALUE);
            if (item.present() && min == null && max == null && item.any("min") == null && item.any("max") == null) {
                fields.error(item.path("min"), "required: a min or a max bound");
            }
            if (min != null && max != null && min > max) {
                fields.error(item.path("max"), "must not be below min");
            }
            item.done();
            if (metric == null || (min == null && max == null)) {
                ok = false;
            } else {
                rules.add(new Guardrail(metric, min, max));
            }
        }
        return ok ? List.copyOf(rules) : null;
    }

    private static CostMatrix costMatrix(Fields fields, Fields.Obj o, TaskType type) {
        if (type == TaskType.REGRESSION) {
            Double under = o.number("underPrediction", true,
                    "cost per unit of the label when the prediction is below the truth", 0, false, Double.MAX_VALUE);
            Double over = o.number("overPrediction", true,
                    "cost per unit of the label when the prediction is above the truth", 0, false, Double.MAX_VALUE);
            o.done();
            return under == null || over == null ? null : new CostMatrix(null, null, null, null, under, over);
        }
        CostCell tp = cell(fields, o, "truePositive");
        CostCell fp = cell(fields, o, "falsePositive");
        CostCell fn = cell(fields, o, "falseNegative");
        CostCell tn = cell(fields, o, "trueNegative");
        o.done();
        return tp == null || fp == null || fn == null || tn == null ? null
                : new CostMatrix(tp, fp, fn, tn, null, null);
    }

    /** A fixed cost (number >= 0) or the name of a feature holding the cost (e.g. the transaction amount). */
    private static CostCell cell(Fields fields, Fields.Obj o, String name) {
        JsonNode value = o.any(name);
        String what = "a cost >= 0, or the name of the feature holding the cost";
        if (value == null) {
            o.reportMissing(name, what);
            return null;
        }
        if (value.isNumber() && value.asDouble() >= 0 && Double.isFinite(value.asDouble())) {
            return new CostCell(value.asDouble(), null);
        }
        if (value.isTextual() && value.asText().matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            return new CostCell(null, value.asText());
        }
        fields.error(o.path(name), "must be " + what);
        return null;
    }

    private static Serving serving(Fields fields, Fields.Obj o, TaskType type) {
        ServingMode mode = o.choice("mode", ServingMode.class, true, "how predictions are served");
        Double budget = o.number("latencyBudgetMs", true, "p99 latency budget of one prediction in milliseconds", 0,
                true, 3_600_000);
        Duration freshness = o.duration("freshness", true, "how old the features may be at prediction time");
        Double threshold;
        if (type == TaskType.REGRESSION) {
            threshold = null;
            if (o.any("decisionThreshold") != null) {
                fields.error(o.path("decisionThreshold"), "must be absent: a regression makes no yes/no decision");
            }
        } else {
            threshold = o.number("decisionThreshold", type == TaskType.BINARY_CLASSIFICATION,
                    "score at or above which the action is taken", 0, true, 1);
            if (threshold != null && threshold >= 1) {
                fields.error(o.path("decisionThreshold"), "must be below 1");
            }
        }
        o.done();
        if (mode == null || budget == null || freshness == null
                || (type == TaskType.BINARY_CLASSIFICATION && threshold == null)) {
            return null;
        }
        return new Serving(mode, budget, freshness, threshold);
    }

    private static Economics economics(Fields.Obj o) {
        Double cpuSecondCost = o.number("cpuSecondCost", true, "what one CPU-second of serving costs", 0, false,
                Double.MAX_VALUE);
        Long dailyVolume = o.integer("dailyVolume", true, "expected predictions per day", 1, Long.MAX_VALUE);
        String currency = o.text("currency", true, "currency of costs and values (e.g. EUR)");
        o.done();
        return cpuSecondCost == null || dailyVolume == null || currency == null ? null
                : new Economics(cpuSecondCost, dailyVolume, currency);
    }

    private static Owners owners(Fields.Obj o) {
        String framing = o.text("framing", true, "owner of the framing stage");
        String data = o.text("data", true, "owner of the data stage");
        String training = o.text("training", true, "owner of the training stage");
        String evaluation = o.text("evaluation", true, "owner of the evaluation stage");
        String deploy = o.text("deploy", true, "owner of the deploy stage");
        String monitor = o.text("monitor", true, "owner of the monitor stage");
        o.done();
        if (framing == null || data == null || training == null || evaluation == null || deploy == null
                || monitor == null) {
            return null;
        }
        return new Owners(framing, data, training, evaluation, deploy, monitor);
    }

    private static PromotionPolicy promotionPolicy(Fields fields, Fields.Obj o, TaskType type) {
        List<String> checkNames = o.texts("checks", true, 1, "automated checks: "
                + Wire.choices(Check.class));
        List<Check> checks = new ArrayList<>();
        if (checkNames != null) {
            for (int i = 0; i < checkNames.size(); i++) {
                Check check = Wire.parse(Check.class, checkNames.get(i));
                if (check == null) {
                    fields.error(o.path("checks") + "[" + i + "]", "must be one of "
                            + Wire.choices(Check.class) + ", is \"" + checkNames.get(i) + "\"");
                } else {
                    checks.add(check);
                }
            }
        }
        Double minLift = o.number("minLift", false, "lift of the primary metric the CI lower bound must exceed", 0,
                false, Double.MAX_VALUE);
        Double margin = o.number("nonInferiorityMargin", false,
                "how much worse than the champion the CI lower bound may be", 0, true, Double.MAX_VALUE);
        if (checks.contains(Check.PRIMARY_METRIC)) {
            if (minLift == null && margin == null && o.any("minLift") == null
                    && o.any("nonInferiorityMargin") == null) {
                fields.error(o.path("minLift"), "required: minLift or nonInferiorityMargin, for the primary-metric check");
            } else if (minLift != null && margin != null) {
                fields.error(o.path("nonInferiorityMargin"), "must not be given together with minLift: choose one");
            }
        }
        Double maxEce = o.number("maxCalibrationError", checks.contains(Check.CALIBRATION),
                "largest acceptable expected calibration error (ECE)", 0, true, 1);
        if (checks.contains(Check.CALIBRATION) && type == TaskType.REGRESSION) {
            fields.error(o.path("checks"), "calibration applies to classification only");
        }
        Boolean requireApproval = o.bool("requireApproval", true, "whether a human approver must sign off");
        Boolean autoAdvance = o.bool("autoAdvance", false,
                "whether the registry moves a gated version along the rollout by itself, after each step's bake");
        List<RolloutStep> rollout = rollout(fields, o.path("rollout"), o.objects("rollout", true, 1,
                "steps such as shadow, canary 10%, champion"));
        o.done();
        if (rollout != null && Boolean.TRUE.equals(autoAdvance)) {
            for (int i = 0; i < rollout.size() - 1; i++) {
                if (rollout.get(i).bake() == null) {
                    fields.error(o.path("rollout") + "[" + i + "].bake", "required with autoAdvance: how long the "
                            + rollout.get(i).label() + " step must hold before the next, e.g. 10m");
                }
            }
        }
        if (checkNames == null || checks.size() != checkNames.size() || requireApproval == null || rollout == null) {
            return null;
        }
        return new PromotionPolicy(List.copyOf(checks), minLift, margin, maxEce, requireApproval, rollout,
                autoAdvance);
    }

    private static List<RolloutStep> rollout(Fields fields, String at, List<Fields.Obj> items) {
        if (items == null) {
            return null;
        }
        List<RolloutStep> steps = new ArrayList<>();
        boolean ok = true;
        for (Fields.Obj item : items) {
            Alias alias = item.choice("alias", Alias.class, true, "the alias of this step");
            Double percent = null;
            if (alias == Alias.CANARY) {
                percent = item.number("trafficPercent", true, "share of traffic the canary takes", 0, true, 100);
                if (percent != null && percent >= 100) {
                    fields.error(item.path("trafficPercent"), "must be below 100: at 100% it is the champion");
                    percent = null;
                }
            } else if (item.any("trafficPercent") != null) {
                fields.error(item.path("trafficPercent"), "only a canary step takes a share of traffic");
            }
            Duration bake = item.duration("bake", false, "how long this step holds before the next (autoAdvance)");
            if (bake != null && alias == Alias.CHAMPION) {
                fields.error(item.path("bake"), "the champion step is the last: it has nothing to bake for");
            }
            item.done();
            if (alias == null || (alias == Alias.CANARY && percent == null)) {
                ok = false;
            } else {
                steps.add(new RolloutStep(alias, percent, alias == Alias.CHAMPION ? null : bake));
            }
        }
        if (!ok) {
            return null;
        }
        if (steps.get(steps.size() - 1).alias() != Alias.CHAMPION
                || steps.stream().filter(s -> s.alias() == Alias.CHAMPION).count() != 1) {
            fields.error(at, "must end with the one champion step (e.g. shadow -> canary 10% -> champion)");
            return null;
        }
        int shadows = 0;
        double lastPercent = 0;
        boolean seenCanary = false;
        for (RolloutStep step : steps) {
            if (step.alias() == Alias.SHADOW) {
                shadows++;
                if (seenCanary) {
                    fields.error(at, "shadow comes before canary steps");
                    return null;
                }
            } else if (step.alias() == Alias.CANARY) {
                seenCanary = true;
                if (step.trafficPercent() <= lastPercent) {
                    fields.error(at, "canary steps must increase their traffic share");
                    return null;
                }
                lastPercent = step.trafficPercent();
            }
        }
        if (shadows > 1) {
            fields.error(at, "has at most one shadow step");
            return null;
        }
        return List.copyOf(steps);
    }

    /**
     * The training section is optional; its hyperparameters are the training-service's names, checked here so a
     * typo fails the registration instead of the first run.
     */
    private static Training training(Fields fields, Fields.Obj o) {
        if (!o.present()) {
            return null;
        }
        Fields.Obj h = o.object("hyperparameters", true);
        o.done();
        if (!h.present()) {
            return null;
        }
        List<Integer> hidden = null;
        JsonNode widths = h.any("hiddenLayers");
        if (widths != null) {
            hidden = hiddenLayers(widths);
            if (hidden == null) {
                fields.error(h.path("hiddenLayers"), "must be a list of up to 8 widths from 1 to 1024, e.g. [32, 16]"
                        + " ([] for a linear model)");
            }
        }
        Long epochs = h.integer("maxEpochs", false, "upper bound on passes over the training rows", 1, 10_000);
        Long batch = h.integer("batchSize", false, "rows per gradient step", 1, 1_000_000);
        Double rate = below(fields, h, "learningRate", h.number("learningRate", false, "Adam's step size, in (0, 1)",
                0, true, 1), 1);
        Double l2 = h.number("l2", false, "L2 weight penalty, >= 0", 0, false, 1);
        Long patience = h.integer("patience", false, "epochs without improvement before stopping", 1, 10_000);
        Double validation = below(fields, h, "validationFraction", h.number("validationFraction", false,
                "share of training rows for early stopping, in (0, 0.5)", 0, true, 0.5), 0.5);
        Long seed = h.integer("seed", false, "fixes initial weights and batch order", Long.MIN_VALUE, Long.MAX_VALUE);
        h.done();
        return new Training(new Hyperparameters(hidden, epochs == null ? null : epochs.intValue(),
                batch == null ? null : batch.intValue(), rate, l2, patience == null ? null : patience.intValue(),
                validation, seed));
    }

    private static Double below(Fields fields, Fields.Obj o, String name, Double value, double bound) {
        if (value != null && value >= bound) {
            fields.error(o.path(name), "must be < " + bound);
            return null;
        }
        return value;
    }

    /** The widths, or null when the node is not a list of 0 to 8 widths in [1, 1024]. */
    private static List<Integer> hiddenLayers(JsonNode node) {
        if (!node.isArray() || node.size() > 8) {
            return null;
        }
        List<Integer> widths = new ArrayList<>();
        for (JsonNode width : node) {
            if (!width.isIntegralNumber() || width.asLong() < 1 || width.asLong() > 1024) {
                return null;
            }
            widths.add(width.asInt());
        }
        return List.copyOf(widths);
    }

    private static RetrainingPolicy retrainingPolicy(Fields fields, Fields.Obj o) {
        List<String> names = o.texts("signals", true, 1, "what may trigger retraining: "
                + Wire.choices(Signal.class));
        List<Signal> signals = new ArrayList<>();
        boolean ok = names != null;
        if (names != null) {
            for (int i = 0; i < names.size(); i++) {
                Signal signal = Wire.parse(Signal.class, names.get(i));
                if (signal == null) {
                    fields.error(o.path("signals") + "[" + i + "]", "must be one of "
                            + Wire.choices(Signal.class) + ", is \"" + names.get(i) + "\"");
                    ok = false;
                } else {
                    signals.add(signal);
                }
            }
        }
        Long minExamples = o.integer("minNewLabelledExamples", true,
                "new labelled examples needed before a retrain", 1, Long.MAX_VALUE);
        Duration cooldown = o.duration("cooldown", true, "least time between two runs");
        Long maxRuns = o.integer("maxRunsPerDay", true, "most runs in a day", 1, 1000);
        o.done();
        if (!ok || minExamples == null || cooldown == null || maxRuns == null) {
            return null;
        }
        return new RetrainingPolicy(List.copyOf(signals), minExamples, cooldown, maxRuns.intValue());
    }

    private static List<AlertRule> alertRules(Fields fields, Fields.Obj root) {
        List<Fields.Obj> items = root.objects("alertRules", true, 1, "what the monitor watches and who acts");
        if (items == null) {
            return null;
        }
        List<AlertRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean ok = true;
        for (Fields.Obj item : items) {
            String name = item.text("name", true, "the rule's name, unique in the use case");
            if (name != null && !names.add(name)) {
                fields.error(item.path("name"), "\"" + name + "\" is used by another rule");
            }
            String metric = item.text("metric", true, "the watched metric (e.g. psi.amount, auc, p99LatencyMs)");
            When when = item.choice("when", When.class, true, "whether the rule fires above or below the threshold");
            Double threshold = item.number("threshold", true, "the value that fires the rule", -Double.MAX_VALUE,
                    false, Double.MAX_VALUE);
            Long minSamples = item.integer("minSamples", true, "fewest samples in a window to judge it", 1,
                    Long.MAX_VALUE);
            Long persistence = item.integer("persistence", true, "consecutive windows before it fires", 1, 1000);
            AlertSeverity severity = item.choice("severity", AlertSeverity.class, true, "who is woken");
            String owner = item.text("owner", true, "who acts on the alert");
            String playbook = item.text("playbook", true, "what to do, as text or a link");
            AlertAction action = item.choice("action", AlertAction.class, true, "what the platform does");
            item.done();
            if (name == null || metric == null || when == null || threshold == null || minSamples == null
                    || persistence == null || severity == null || owner == null || playbook == null
                    || action == null) {
                ok = false;
            } else {
                rules.add(new AlertRule(name, metric, when, threshold, minSamples, persistence.intValue(), severity,
                        owner, playbook, action));
            }
        }
        return ok ? List.copyOf(rules) : null;
    }
}
