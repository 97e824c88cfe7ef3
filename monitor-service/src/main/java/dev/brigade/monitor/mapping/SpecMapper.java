package dev.brigade.monitor.mapping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.events.text.Durations;
import dev.brigade.monitor.AlertRule;
import dev.brigade.monitor.FeatureReference;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.UseCaseSettings;

/**
 * Reads the JSON documents that travel in registry events: the use-case spec (the registry's canonical JSON), the
 * reference profile and the evaluation report of a model version. The registry validated them; this side reads
 * what it needs and tolerates what it does not know.
 */
public final class SpecMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecMapper() {
    }

    public static UseCaseSettings settings(String name, int specVersion, String specJson) {
        JsonNode spec = read(specJson);
        JsonNode task = spec.path("task");
        boolean classification = !"regression".equalsIgnoreCase(task.path("type").asText());
        JsonNode serving = spec.path("serving");
        Double threshold = serving.hasNonNull("decisionThreshold") ? serving.get("decisionThreshold").asDouble()
                : null;
        Duration maxDelay = Durations.tryParse(task.path("label").path("maxDelay").asText(null))
                .orElse(Duration.ofDays(1));
        JsonNode business = spec.path("metrics").path("businessMetric");
        JsonNode cm = business.path("costMatrix");
        UseCaseSettings.CostMatrix costMatrix = new UseCaseSettings.CostMatrix(cell(cm.path("truePositive")),
                cell(cm.path("falsePositive")), cell(cm.path("falseNegative")), cell(cm.path("trueNegative")),
                cm.path("underPrediction").asDouble(0), cm.path("overPrediction").asDouble(0));
        Map<String, String> owners = new LinkedHashMap<>();
        spec.path("owners").fields().forEachRemaining(e -> owners.put(e.getKey(), e.getValue().asText()));
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode r : spec.path("alertRules")) {
            rules.add(new AlertRule(r.path("name").asText(), r.path("metric").asText(),
                    !"below".equalsIgnoreCase(r.path("when").asText()), r.path("threshold").asDouble(),
                    r.path("minSamples").asLong(0), Math.max(1, r.path("persistence").asInt(1)),
                    r.path("severity").asText("ticket").toLowerCase(), r.path("owner").asText(""),
                    r.path("playbook").asText(""), r.path("action").asText("page").toLowerCase()));
        }
        JsonNode retraining = spec.path("retrainingPolicy");
        List<String> signals = texts(retraining.path("signals")).stream().map(String::toLowerCase).toList();
        return new UseCaseSettings(name, specVersion, classification, threshold, maxDelay, costMatrix,
                spec.path("economics").path("cpuSecondCost").asDouble(0),
                spec.path("economics").path("currency").asText(""), owners, rules, signals,
                Durations.tryParse(retraining.path("cooldown").asText(null)).orElse(Duration.ZERO),
                business.path("name").asText(null), texts(spec.path("protectedAttributes")),
                fairnessMinSliceSize(spec));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(a -> out.add(a.asText()));
        return out;
    }

    /** The fairness guardrails' minSliceSize, else the per-slice guardrails', as the registry's gate reads it. */
    private static int fairnessMinSliceSize(JsonNode spec) {
        JsonNode guardrails = spec.path("metrics").path("guardrails");
        JsonNode own = guardrails.path("fairness").path("minSliceSize");
        JsonNode perSlice = guardrails.path("perSlice").path("minSliceSize");
        return own.isIntegralNumber() ? own.asInt() : perSlice.isIntegralNumber() ? perSlice.asInt() : 1;
    }

    private static UseCaseSettings.Cell cell(JsonNode node) {
        if (node.isNumber()) {
            return new UseCaseSettings.Cell(node.asDouble(), null);
        }
        if (node.isTextual()) {
            return new UseCaseSettings.Cell(0, node.asText());
        }
        return UseCaseSettings.Cell.ZERO;
    }

    public static ReferenceProfile profile(String profileJson) {
        if (profileJson == null || profileJson.isBlank()) {
            return ReferenceProfile.EMPTY;
        }
        JsonNode root = read(profileJson);
        List<FeatureReference> features = new ArrayList<>();
        root.path("features").fields().forEachRemaining(e -> {
            JsonNode f = e.getValue();
            double[] frequencies = doubles(f.path("frequencies"));
            double missing = f.path("missingRate").asDouble(0);
            String type = f.path("type").asText("DOUBLE");
            if (f.has("edges") && f.get("edges").isArray()) {
                double[] edges = doubles(f.get("edges"));
                if (edges.length == frequencies.length + 1 && edges.length >= 2) {
                    features.add(new FeatureReference(e.getKey(), type, edges, null, frequencies, missing));
                }
            } else if (f.has("categories")) {
                List<String> categories = texts(f.get("categories"));
                if (categories.size() == frequencies.length) {
                    features.add(new FeatureReference(e.getKey(), type, null, List.copyOf(categories), frequencies,
                            missing));
                }
            }
        });
        return new ReferenceProfile(root.path("n").asLong(0), List.copyOf(features));
    }

    /** The offline numbers next to which realised performance is shown: overall metrics and the business metric. */
    public static Map<String, Double> offlineMetrics(String reportJson) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (reportJson == null || reportJson.isBlank()) {
            return out;
        }
        JsonNode report = read(reportJson);
        report.path("overall").path("metrics").fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                out.put(e.getKey(), e.getValue().asDouble());
            }
        });
        JsonNode business = report.path("businessMetric").path("candidate");
        if (business.isNumber()) {
            out.put("businessMetric", business.asDouble());
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
