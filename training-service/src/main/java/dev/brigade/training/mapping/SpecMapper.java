package dev.brigade.training.mapping;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.events.TrainingReason;
import dev.brigade.events.text.Durations;
import dev.brigade.model.ModelTask;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.RetrainingPolicy;
import dev.brigade.training.UseCaseSettings;

/**
 * The registry's spec view (GET /v1/use-cases/{name}: {@code {name, version, spec: {...}}}, canonical JSON with
 * wire names such as "binary-classification" and durations such as "6h") to the settings training uses. The
 * registry has validated the spec; a field missing here means the two disagree about the contract, and the run
 * fails naming it.
 */
public final class SpecMapper {

    private SpecMapper() {
    }

    /** @throws IllegalArgumentException naming the field that is missing or not understood */
    public static UseCaseSettings toSettings(JsonNode view) {
        JsonNode spec = required(view, "spec");
        JsonNode task = required(spec, "task");
        ModelTask modelTask = switch (text(task, "type")) {
            case "binary-classification" -> ModelTask.BINARY_CLASSIFICATION;
            case "regression" -> ModelTask.REGRESSION;
            default -> throw new IllegalArgumentException("spec.task.type: unknown task " + text(task, "type"));
        };
        JsonNode featureSet = required(task, "featureSet");
        JsonNode metrics = required(spec, "metrics");
        List<String> slices = texts(metrics.path("guardrails").path("perSlice").path("slices"));
        JsonNode business = required(metrics, "businessMetric");
        JsonNode serving = required(spec, "serving");
        JsonNode threshold = serving.get("decisionThreshold");
        Double decisionThreshold = threshold == null || threshold.isNull() ? null : threshold.asDouble();
        if (modelTask == ModelTask.BINARY_CLASSIFICATION && decisionThreshold == null) {
            throw new IllegalArgumentException("spec.serving.decisionThreshold: required for classification");
        }
        return new UseCaseSettings(text(view, "name"), required(view, "version").asInt(), modelTask,
                text(featureSet, "name"), required(featureSet, "version").asInt(),
                text(required(metrics, "primary"), "name"), slices,
                costMatrix(modelTask, text(business, "name"), required(business, "costMatrix")),
                modelTask == ModelTask.REGRESSION ? null : decisionThreshold,
                required(serving, "latencyBudgetMs").asDouble(),
                text(required(spec, "owners"), "training"),
                retraining(required(spec, "retrainingPolicy")), hyperparameters(spec.path("training")),
                texts(spec.path("protectedAttributes")), fairnessMinSliceSize(metrics.path("guardrails")));
    }

    /** The fairness guardrails' minSliceSize, else the per-slice guardrails' (as the registry's gate reads it). */
    private static int fairnessMinSliceSize(JsonNode guardrails) {
        JsonNode own = guardrails.path("fairness").path("minSliceSize");
        JsonNode perSlice = guardrails.path("perSlice").path("minSliceSize");
        return own.isIntegralNumber() ? own.asInt() : perSlice.isIntegralNumber() ? perSlice.asInt() : 1;
    }

    private static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(item -> out.add(item.asText()));
        return out;
    }

    /**
     * The optional training.hyperparameters section (typed JSON: hiddenLayers a list of widths, the rest numbers) as
     * the strings {@code Hyperparameters.withOverrides} and the lineage read.
     */
    private static Map<String, String> hyperparameters(JsonNode training) {
        Map<String, String> values = new TreeMap<>();
        training.path("hyperparameters").fields().forEachRemaining(e -> {
            JsonNode value = e.getValue();
            if (value.isArray()) {
                values.put(e.getKey(), String.join(",", texts(value)));
            } else if (!value.isNull()) {
                values.put(e.getKey(), value.asText());
            }
        });
        return values;
    }

    /** The spec's signal words (drift, degraded, new-data, schedule, manual) as request reasons. */
    public static TrainingReason signal(String wire) {
        return TrainingReason.valueOf(wire.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    private static CostMatrix costMatrix(ModelTask task, String name, JsonNode m) {
        if (task == ModelTask.REGRESSION) {
            return new CostMatrix.Regression(name, required(m, "underPrediction").asDouble(),
                    required(m, "overPrediction").asDouble());
        }
        return new CostMatrix.Classification(name, cell(m, "truePositive"), cell(m, "falsePositive"),
                cell(m, "falseNegative"), cell(m, "trueNegative"));
    }

    private static Cost cell(JsonNode m, String field) {
        JsonNode value = required(m, field);
        return value.isNumber() ? Cost.of(value.asDouble()) : Cost.feature(value.asText());
    }

    private static RetrainingPolicy retraining(JsonNode p) {
        Set<TrainingReason> signals = EnumSet.noneOf(TrainingReason.class);
        for (JsonNode s : required(p, "signals")) {
            signals.add(signal(s.asText()));
        }
        return new RetrainingPolicy(signals, required(p, "minNewLabelledExamples").asLong(),
                Durations.parse(text(p, "cooldown")), required(p, "maxRunsPerDay").asInt());
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("the use-case spec has no " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        return required(node, field).asText();
    }
}
