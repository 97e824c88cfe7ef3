package dev.brigade.registry.service;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.document.Fields;
import dev.brigade.platform.http.FieldError;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.UseCaseSpec.AlertRule;
import dev.brigade.registry.UseCaseSpec.Economics;
import dev.brigade.registry.UseCaseSpec.FeatureSetRef;
import dev.brigade.registry.UseCaseSpec.Framing;
import dev.brigade.registry.UseCaseSpec.Label;
import dev.brigade.registry.UseCaseSpec.Metrics;
import dev.brigade.registry.UseCaseSpec.Owners;
import dev.brigade.registry.UseCaseSpec.PromotionPolicy;
import dev.brigade.registry.UseCaseSpec.RetrainingPolicy;
import dev.brigade.registry.UseCaseSpec.Serving;
import dev.brigade.registry.UseCaseSpec.ServingMode;
import dev.brigade.registry.UseCaseSpec.Task;
import dev.brigade.registry.UseCaseSpec.TaskType;
import dev.brigade.registry.UseCaseSpec.Training;

/**
 * Turns a spec document (YAML or JSON, already parsed) into a {@link UseCaseSpec}, or the complete list of what is
 * missing or invalid. This is where "refuse a use case whose decision hook is unclear" lives. The small sections
 * (framing, task, serving, economics, owners) are read here, the larger ones by their own readers
 * ({@link SpecMetricsSection}, {@link SpecPromotionSection}, {@link SpecMonitoringSection},
 * {@link SpecTrainingSection}).
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
        Metrics metrics = SpecMetricsSection.read(fields, root.object("metrics", true), type);
        Serving serving = serving(fields, root.object("serving", true), type);
        Economics economics = economics(root.object("economics", true));
        Owners owners = owners(root.object("owners", true));
        PromotionPolicy policy = SpecPromotionSection.read(fields, root.object("promotionPolicy", true), type);
        RetrainingPolicy retraining = SpecMonitoringSection.retrainingPolicy(fields,
                root.object("retrainingPolicy", true));
        List<AlertRule> alertRules = SpecMonitoringSection.alertRules(fields, root);
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
        Training training = SpecTrainingSection.read(fields, root.object("training", false));
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
}
