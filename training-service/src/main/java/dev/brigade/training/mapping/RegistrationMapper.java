package dev.brigade.training.mapping;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelTask;
import dev.brigade.training.Calibration;
import dev.brigade.training.Dataset;
import dev.brigade.training.DeltaInterval;
import dev.brigade.training.Evaluation;
import dev.brigade.training.FeatureProfile;
import dev.brigade.training.InputFeature;
import dev.brigade.training.LatencySample;
import dev.brigade.training.Fairness;
import dev.brigade.training.SliceResult;
import dev.brigade.training.UseCaseSettings;
import dev.brigade.training.WorstExample;

/**
 * The metadata part of a model-version registration, exactly the sections of docs/model-artifacts.md: contract,
 * lineage, evaluationReport, referenceProfile, role, reason. The registry refuses unknown fields, so nothing else
 * is written; the robustness metrics travel as overall metrics named {@code robustness.<metric>}.
 */
public final class RegistrationMapper {

    /** The metric-name prefix of the candidate's metrics with a share of the inputs removed and imputed. */
    public static final String ROBUSTNESS_PREFIX = "robustness.";

    private RegistrationMapper() {
    }

    /** Everything the registration says about a run. */
    public record Registration(UseCaseSettings settings, List<InputFeature> inputs, ModelArtifact artifact,
            String runId, String codeVersion, Dataset dataset, Map<String, String> hyperparameters, long seed,
            Evaluation evaluation, Integer championVersion, String holdoutDescription,
            Map<String, FeatureProfile> profile, long profileRows, LatencySample latency, String reason,
            String role, BaselineResult baseline) {
    }

    /** The candidate against the baseline registered beside it (version null when it is not registered). */
    public record BaselineResult(Integer version, String model, DeltaInterval comparison) {
    }

    public static ObjectNode metadata(ObjectMapper json, Registration r) {
        ObjectNode root = json.createObjectNode();
        root.set("contract", contract(json, r));
        root.set("lineage", lineage(json, r));
        root.set("evaluationReport", report(json, r));
        root.set("referenceProfile", profile(json, r));
        root.put("role", r.role());
        root.put("reason", r.reason());
        return root;
    }

    private static ObjectNode contract(ObjectMapper json, Registration r) {
        ObjectNode contract = json.createObjectNode();
        ArrayNode inputs = contract.putArray("inputs");
        List<Double> imputation = r.artifact().getImputation();
        for (int i = 0; i < r.inputs().size(); i++) {
            InputFeature input = r.inputs().get(i);
            ObjectNode node = inputs.addObject();
            node.put("name", input.name());
            node.put("type", input.type().name());
            double value = imputation.get(i);
            switch (input.type()) {
                case DOUBLE -> node.put("imputation", value);
                case BOOLEAN -> node.put("imputation", value != 0.0);
                // A LONG input imputed with a fractional mean has no LONG imputation to state; the artifact has it.
                case LONG -> {
                    if (value == Math.rint(value)) {
                        node.put("imputation", (long) value);
                    }
                }
            }
        }
        boolean classifier = r.settings().task() == ModelTask.BINARY_CLASSIFICATION;
        contract.put("output", classifier ? "probability" : "prediction");
        contract.put("latencyBudgetMs", r.settings().latencyBudgetMs());
        if (classifier) {
            contract.put("decisionThreshold", r.artifact().getDecisionThreshold());
        }
        contract.put("owner", r.settings().owner());
        return contract;
    }

    private static ObjectNode lineage(ObjectMapper json, Registration r) {
        ObjectNode lineage = json.createObjectNode();
        lineage.put("trainingRunId", r.runId());
        lineage.put("codeVersion", r.codeVersion());
        lineage.put("featureSet", r.dataset().featureSet());
        lineage.put("featureSetVersion", r.dataset().featureSetVersion());
        lineage.set("datasetRanges", json.valueToTree(r.dataset().ranges()));
        ObjectNode params = lineage.putObject("hyperparameters");
        r.hyperparameters().forEach(params::put);
        lineage.put("seed", r.seed());
        return lineage;
    }

    private static ObjectNode report(ObjectMapper json, Registration r) {
        Evaluation e = r.evaluation();
        ObjectNode report = json.createObjectNode();
        ObjectNode holdout = report.putObject("holdout");
        holdout.put("description", r.holdoutDescription());
        holdout.put("n", e.n());
        ObjectNode overall = report.putObject("overall");
        overall.put("n", e.n());
        ObjectNode metrics = overall.putObject("metrics");
        e.overall().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(m -> metrics.put(m.getKey(), m.getValue()));
        e.robustness().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(m -> metrics.put(ROBUSTNESS_PREFIX + m.getKey(), m.getValue()));
        ArrayNode slices = report.putArray("slices");
        for (SliceResult s : e.slices()) {
            if (s.metrics().isEmpty()) {
                continue;
            }
            ObjectNode node = slices.addObject();
            node.put("slice", s.slice());
            node.put("value", s.value());
            node.put("n", s.n());
            ObjectNode sm = node.putObject("metrics");
            s.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(m -> sm.put(m.getKey(), m.getValue()));
        }
        Calibration calibration = e.calibration();
        if (calibration != null) {
            ObjectNode c = report.putObject("calibration");
            c.put("ece", calibration.ece());
            c.set("bins", json.valueToTree(calibration.bins()));
        }
        ObjectNode business = report.putObject("businessMetric");
        business.put("name", e.costMatrix().name());
        business.put("candidate", e.businessCandidate());
        e.businessChampion().ifPresent(v -> business.put("champion", v));
        e.comparison().ifPresent(d -> report.putObject("championComparison")
                .put("championVersion", r.championVersion()).setAll((ObjectNode) json.valueToTree(d)));
        if (r.baseline() != null) {
            DeltaInterval d = r.baseline().comparison();
            ObjectNode b = report.putObject("baselineComparison");
            if (r.baseline().version() != null) {
                b.put("baselineVersion", r.baseline().version());
            }
            b.put("model", r.baseline().model());
            b.put("metric", d.metric());
            b.put("candidate", d.candidate());
            b.put("baseline", d.champion());
            b.put("delta", d.delta());
            b.put("ciLow", d.ciLow());
            b.put("ciHigh", d.ciHigh());
            b.put("n", d.n());
        }
        // The worst holdout rows, so a person can look at what the candidate got most wrong (the dashboard shows them).
        ArrayNode worst = e.worst().isEmpty() ? null : report.putArray("worstExamples");
        for (WorstExample w : e.worst()) {
            ObjectNode row = worst.addObject();
            row.put("eventId", w.eventId());
            row.put("label", w.label());
            row.put("score", w.score());
            row.put("loss", w.loss());
            row.set("slices", json.valueToTree(new TreeMap<>(w.slices())));
            // inputs as the model saw them: a number, a boolean, or null where missing
            row.set("features", json.valueToTree(w.features()));
        }
        if (e.fairness() != null) {
            report.set("fairness", fairness(json, e.fairness()));
        }
        report.set("latency", json.valueToTree(r.latency()));
        return report;
    }

    /** The fairness section: per protected attribute its slices with counts and rates, and the gaps. */
    public static ObjectNode fairness(ObjectMapper json, Fairness f) {
        ObjectNode section = json.createObjectNode();
        section.put("minSliceSize", f.minSliceSize());
        ArrayNode attributes = section.putArray("attributes");
        for (Fairness.Attribute a : f.attributes()) {
            ObjectNode attribute = attributes.addObject();
            attribute.put("attribute", a.attribute());
            ArrayNode slices = attribute.putArray("slices");
            for (Fairness.Slice s : a.slices()) {
                ObjectNode slice = slices.addObject();
                slice.put("value", s.value());
                slice.put("n", s.n());
                if (s.positives() != null) {
                    slice.put("positives", s.positives());
                    slice.put("negatives", s.negatives());
                }
                ObjectNode metrics = slice.putObject("metrics");
                s.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(m -> metrics.put(m.getKey(), m.getValue()));
            }
            attribute.set("gaps", json.valueToTree(a.gaps()));
            if (a.championGaps() != null) {
                attribute.set("championGaps", json.valueToTree(a.championGaps()));
            }
        }
        return section;
    }

    private static ObjectNode profile(ObjectMapper json, Registration r) {
        ObjectNode profile = json.createObjectNode();
        profile.put("n", r.profileRows());
        profile.set("features", json.valueToTree(r.profile()));
        return profile;
    }
}
