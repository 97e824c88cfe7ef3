package dev.brigade.registry.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;
import dev.brigade.platform.document.Fields;
import dev.brigade.platform.http.FieldError;
import dev.brigade.registry.EvaluationReport;
import dev.brigade.registry.FairnessReport;
import dev.brigade.registry.EvaluationReport.BusinessValue;
import dev.brigade.registry.EvaluationReport.Calibration;
import dev.brigade.registry.EvaluationReport.BaselineComparison;
import dev.brigade.registry.EvaluationReport.ChampionComparison;
import dev.brigade.registry.EvaluationReport.Holdout;
import dev.brigade.registry.EvaluationReport.LatencyHints;
import dev.brigade.registry.EvaluationReport.Overall;
import dev.brigade.registry.EvaluationReport.SliceResult;
import dev.brigade.registry.InputType;
import dev.brigade.registry.Lineage;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.ReferenceProfile;
import dev.brigade.registry.RuntimeContract;
import dev.brigade.registry.UseCaseSpec;

/**
 * Checks a model version's metadata (runtime contract, lineage, evaluation report, reference profile) field by
 * field, and against the use case's spec and the uploaded artifact, so that what serving and the monitor later
 * read is consistent: the contract's inputs are the artifact's inputs in the same order with the same imputation,
 * the lineage names the spec's feature set, the profile covers every input.
 */
public final class ModelVersionValidator {

    private static final double TOLERANCE = 1e-9;

    private ModelVersionValidator() {
    }

    public record Metadata(RuntimeContract contract, Lineage lineage, EvaluationReport evaluationReport,
            ReferenceProfile referenceProfile, ModelVersion.Role role, String reason) {
    }

    public record Result(Metadata metadata, List<FieldError> errors) {

        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /**
     * @param scorer the uploaded artifact loaded with the platform's scorer, or null if it did not load
     * @param artifactProblem why it did not load, or null
     */
    public static Result validate(JsonNode document, UseCaseSpec spec, Scorer scorer, String artifactProblem) {
        Fields fields = new Fields();
        if (artifactProblem != null) {
            fields.error("artifact", artifactProblem);
        }
        Fields.Obj root = fields.root(document);
        RuntimeContract contract = contract(fields, root.object("contract", true), spec, scorer);
        Lineage lineage = lineage(fields, root.object("lineage", true), spec);
        EvaluationReport report = report(fields, root.object("evaluationReport", true), spec);
        ReferenceProfile profile = profile(fields, root.object("referenceProfile", true), contract);
        String roleText = root.text("role", false, "candidate (default) or baseline");
        ModelVersion.Role role = ModelVersion.Role.CANDIDATE;
        if (roleText != null) {
            try {
                role = ModelVersion.Role.valueOf(roleText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                fields.error("role", "must be candidate or baseline, is \"" + roleText + "\"");
            }
        }
        String reason = root.text("reason", false, "why this version is registered");
        root.done();
        if (scorer != null && spec != null) {
            ModelTask expected = spec.isClassification() ? ModelTask.BINARY_CLASSIFICATION : ModelTask.REGRESSION;
            if (scorer.task() != expected) {
                fields.error("artifact", "is a " + scorer.task() + " model, the use case is "
                        + spec.task().type().wire());
            }
        }
        if (!fields.ok()) {
            return new Result(null, fields.errors());
        }
        return new Result(new Metadata(contract, lineage, report, profile, role, reason), List.of());
    }

    private static RuntimeContract contract(Fields fields, Fields.Obj o, UseCaseSpec spec, Scorer scorer) {
        List<Fields.Obj> items = o.objects("inputs", true, 1, "model inputs in artifact order");
        List<RuntimeContract.Input> inputs = new ArrayList<>();
        boolean inputsOk = items != null;
        if (items != null) {
            Set<String> names = new HashSet<>();
            for (Fields.Obj item : items) {
                String name = item.text("name", true, "the feature name");
                InputType type = inputType(fields, item, "type");
                JsonNode imputation = item.any("imputation");
                item.done();
                if (name == null || type == null) {
                    inputsOk = false;
                    continue;
                }
                if (!names.add(name)) {
                    fields.error(item.path("name"), "\"" + name + "\" is listed twice");
                    inputsOk = false;
                }
                if (type == InputType.STRING) {
                    fields.error(item.path("type"), "STRING inputs need an encoding the artifact format does not have");
                    inputsOk = false;
                    continue;
                }
                Object value = imputation(fields, item.path("imputation"), type, imputation);
                inputs.add(new RuntimeContract.Input(name, type, value));
            }
        }
        String output = o.text("output", true, "name of the score (e.g. fraud_probability, eta_minutes)");
        Double budget = o.number("latencyBudgetMs", true, "p99 latency budget serving enforces for this version", 0,
                true, Double.MAX_VALUE);
        if (budget != null && spec != null && budget > spec.serving().latencyBudgetMs()) {
            fields.error(o.path("latencyBudgetMs"), "is " + Fields.fmt(budget) + " ms, above the use case's budget of "
                    + Fields.fmt(spec.serving().latencyBudgetMs()) + " ms");
        }
        Double threshold = null;
        boolean classification = spec == null || spec.isClassification();
        if (classification) {
            threshold = o.number("decisionThreshold", true, "score at or above which the action is taken", 0, true,
                    1);
        } else if (o.any("decisionThreshold") != null) {
            fields.error(o.path("decisionThreshold"), "must be absent: a regression makes no yes/no decision");
        }
        String owner = o.text("owner", true, "who answers for this version in production");
        o.done();
        if (scorer != null && inputsOk && o.present()) {
            List<String> names = inputs.stream().map(RuntimeContract.Input::name).toList();
            if (!names.equals(scorer.featureNames())) {
                fields.error(o.path("inputs"), "names " + names + " but the artifact takes " + scorer.featureNames()
                        + " (same names, same order)");
            } else {
                for (int i = 0; i < inputs.size(); i++) {
                    Double given = numeric(inputs.get(i).imputation());
                    if (given != null && Math.abs(given - scorer.imputation(i)) > TOLERANCE * Math.max(1, Math.abs(given))) {
                        fields.error(o.path("inputs") + "[" + i + "].imputation", "is " + Fields.fmt(given)
                                + " but the artifact imputes " + Fields.fmt(scorer.imputation(i)));
                    }
                }
            }
            if (threshold != null && scorer.decisionThreshold().isPresent()
                    && Math.abs(threshold - scorer.decisionThreshold().getAsDouble()) > TOLERANCE) {
                fields.error(o.path("decisionThreshold"), "is " + Fields.fmt(threshold)
                        + " but the artifact's is " + Fields.fmt(scorer.decisionThreshold().getAsDouble()));
            }
        }
        if (!inputsOk || output == null || budget == null || owner == null || (classification && threshold == null)) {
            return null;
        }
        return new RuntimeContract(List.copyOf(inputs), output, budget, threshold, owner);
    }

    private static InputType inputType(Fields fields, Fields.Obj item, String name) {
        String text = item.text(name, true, "BOOLEAN, LONG, DOUBLE or STRING");
        if (text == null) {
            return null;
        }
        try {
            return InputType.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            fields.error(item.path(name), "must be BOOLEAN, LONG, DOUBLE or STRING, is \"" + text + "\"");
            return null;
        }
    }

    private static Object imputation(Fields fields, String path, InputType type, JsonNode value) {
        if (value == null) {
            return null;
        }
        switch (type) {
            case BOOLEAN:
                if (value.isBoolean()) {
                    return value.asBoolean();
                }
                break;
            case LONG:
                if (value.isIntegralNumber() && value.canConvertToLong()) {
                    return value.asLong();
                }
                break;
            case DOUBLE:
                if (value.isNumber() && Double.isFinite(value.asDouble())) {
                    return value.asDouble();
                }
                break;
            default:
                break;
        }
        fields.error(path, "must be a " + type + " value");
        return null;
    }

    private static Double numeric(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        return null;
    }

    private static Lineage lineage(Fields fields, Fields.Obj o, UseCaseSpec spec) {
        String runId = o.text("trainingRunId", true, "the training run that produced the version");
        String code = o.text("codeVersion", true, "the code version (e.g. git:<sha>)");
        String featureSet = o.text("featureSet", true, "the feature set it was trained on");
        Long featureSetVersion = o.integer("featureSetVersion", true, "the feature set version", 1,
                Integer.MAX_VALUE);
        if (spec != null && featureSet != null && featureSetVersion != null) {
            UseCaseSpec.FeatureSetRef expected = spec.task().featureSet();
            if (!featureSet.equals(expected.name()) || featureSetVersion != expected.version()) {
                fields.error(o.path("featureSet"), "is " + featureSet + " v" + featureSetVersion
                        + " but the use case reads " + expected.name() + " v" + expected.version());
            }
        }
        List<Fields.Obj> rangeItems = o.objects("datasetRanges", true, 1,
                "the training-examples offset ranges the dataset was read from");
        List<Lineage.DatasetRange> ranges = ranges(fields, rangeItems);
        Map<String, String> hyperparameters = new LinkedHashMap<>();
        Fields.Obj hp = o.object("hyperparameters", true);
        for (Iterator<String> names = hp.fieldNames(); names.hasNext();) {
            String name = names.next();
            JsonNode value = hp.any(name);
            if (value == null || !value.isValueNode()) {
                fields.error(hp.path(name), "must be a single value");
            } else {
                hyperparameters.put(name, value.asText());
            }
        }
        Long seed = o.integer("seed", true, "the random seed of the run", Long.MIN_VALUE, Long.MAX_VALUE);
        o.done();
        if (runId == null || code == null || featureSet == null || featureSetVersion == null || ranges == null
                || seed == null || !hp.present()) {
            return null;
        }
        return new Lineage(runId, code, featureSet, featureSetVersion.intValue(), ranges, Map.copyOf(hyperparameters),
                seed);
    }

    private static List<Lineage.DatasetRange> ranges(Fields fields, List<Fields.Obj> items) {
        if (items == null) {
            return null;
        }
        List<Lineage.DatasetRange> ranges = new ArrayList<>();
        boolean ok = true;
        for (Fields.Obj item : items) {
            String topic = item.text("topic", true, "the topic read");
            Long partition = item.integer("partition", true, "the partition read", 0, Integer.MAX_VALUE);
            Long from = item.integer("fromOffset", true, "first offset read", 0, Long.MAX_VALUE);
            Long to = item.integer("toOffset", true, "offset after the last one read", 0, Long.MAX_VALUE);
            if (from != null && to != null && to < from) {
                fields.error(item.path("toOffset"), "must not be below fromOffset");
                to = null;
            }
            item.done();
            if (topic == null || partition == null || from == null || to == null) {
                ok = false;
            } else {
                ranges.add(new Lineage.DatasetRange(topic, partition.intValue(), from, to));
            }
        }
        return ok ? List.copyOf(ranges) : null;
    }

    private static EvaluationReport report(Fields fields, Fields.Obj o, UseCaseSpec spec) {
        Holdout holdout = null;
        Fields.Obj h = o.object("holdout", false);
        if (h.present()) {
            String description = h.text("description", false, "what the holdout is");
            Long n = h.integer("n", true, "holdout rows", 1, Long.MAX_VALUE);
            List<Lineage.DatasetRange> ranges = ranges(fields, h.objects("ranges", false, 1, "holdout offset ranges"));
            h.done();
            holdout = n == null ? null : new Holdout(description, n, ranges == null ? List.of() : ranges);
        }
        Fields.Obj ov = o.object("overall", true);
        Long overallN = ov.integer("n", true, "rows evaluated", 1, Long.MAX_VALUE);
        Map<String, Double> overallMetrics = metrics(fields, ov.object("metrics", true));
        ov.done();
        if (spec != null && overallMetrics != null && !overallMetrics.containsKey(spec.metrics().primary().name())) {
            fields.error(ov.path("metrics") + "." + spec.metrics().primary().name(),
                    "required: the primary metric of the use case");
        }
        List<SliceResult> slices = new ArrayList<>();
        List<Fields.Obj> sliceItems = o.objects("slices", false, 0, "per-slice metrics with counts");
        boolean slicesOk = true;
        if (sliceItems != null) {
            for (Fields.Obj item : sliceItems) {
                String slice = item.text("slice", true, "the slice attribute (e.g. region)");
                String value = item.text("value", true, "the attribute's value (e.g. eu)");
                Long n = item.integer("n", true, "rows in the slice", 0, Long.MAX_VALUE);
                Map<String, Double> metrics = metrics(fields, item.object("metrics", true));
                item.done();
                if (slice == null || value == null || n == null || metrics == null) {
                    slicesOk = false;
                } else {
                    slices.add(new SliceResult(slice, value, n, metrics));
                }
            }
        }
        Calibration calibration = calibration(fields, o.object("calibration",
                spec == null || spec.isClassification()));
        Fields.Obj b = o.object("businessMetric", true);
        String businessName = b.text("name", true, "the business metric of the spec");
        Double candidate = b.number("candidate", true, "the candidate's expected cost per prediction",
                -Double.MAX_VALUE, false, Double.MAX_VALUE);
        Double champion = b.number("champion", false, "the champion's expected cost per prediction on the same rows",
                -Double.MAX_VALUE, false, Double.MAX_VALUE);
        b.done();
        if (spec != null && businessName != null && !businessName.equals(spec.metrics().businessMetric().name())) {
            fields.error(b.path("name"), "is " + businessName + " but the use case's business metric is "
                    + spec.metrics().businessMetric().name());
        }
        ChampionComparison comparison = comparison(fields, o.object("championComparison", false));
        BaselineComparison baseline = baselineComparison(fields, o.object("baselineComparison", false));
        List<EvaluationReport.WorstExample> worst = worstExamples(fields, o.objects("worstExamples", false, 0,
                "the holdout rows with the largest loss, worst first"));
        FairnessReport fairness = FairnessSection.read(fields, o.object("fairness", false));
        LatencyHints latency = null;
        Fields.Obj l = o.object("latency", false);
        if (l.present()) {
            Double mean = l.number("meanMicros", false, "training's mean time per row", 0, false, Double.MAX_VALUE);
            Double p99 = l.number("p99Micros", false, "training's p99 time per row", 0, false, Double.MAX_VALUE);
            Long parameters = l.integer("parameters", false, "weights and biases in the network", 0, Long.MAX_VALUE);
            latency = new LatencyHints(mean, p99, parameters);
        }
        l.done();
        o.done();
        boolean calibrationRequired = spec == null || spec.isClassification();
        if (overallN == null || overallMetrics == null || !slicesOk || (calibrationRequired && calibration == null)
                || businessName == null || candidate == null || (o.any("championComparison") != null
                        && comparison == null) || (o.any("baselineComparison") != null && baseline == null)
                || worst == null || (o.any("fairness") != null && fairness == null)) {
            return null;
        }
        return new EvaluationReport(holdout, new Overall(overallN, overallMetrics), List.copyOf(slices), calibration,
                new BusinessValue(businessName, candidate, champion), comparison, latency, baseline, worst, fairness);
    }

    /** At most this many worst rows per report: they are for a person to read, and they travel in every event. */
    static final int MAX_WORST_EXAMPLES = 100;

    private static List<EvaluationReport.WorstExample> worstExamples(Fields fields, List<Fields.Obj> items) {
        if (items == null) {
            return List.of();
        }
        if (items.size() > MAX_WORST_EXAMPLES) {
            fields.error("evaluationReport.worstExamples", "holds " + items.size() + " rows; at most "
                    + MAX_WORST_EXAMPLES);
            return null;
        }
        List<EvaluationReport.WorstExample> worst = new ArrayList<>();
        boolean ok = true;
        double any = Double.MAX_VALUE;
        for (Fields.Obj item : items) {
            String eventId = item.text("eventId", true, "the example's event id");
            Double label = item.number("label", true, "the realised label", -any, false, any);
            Double score = item.number("score", true, "the candidate's score", -any, false, any);
            Double loss = item.number("loss", true, "log loss or absolute error of the row", 0, false, any);
            Map<String, String> slices = new LinkedHashMap<>();
            Fields.Obj s = item.object("slices", false);
            for (Iterator<String> names = s.fieldNames(); names.hasNext();) {
                String name = names.next();
                String value = s.text(name, true, "the slice value");
                if (value == null) {
                    ok = false;
                } else {
                    slices.put(name, value);
                }
            }
            Map<String, Object> features = new LinkedHashMap<>();
            Fields.Obj f = item.object("features", false);
            for (Iterator<String> names = f.fieldNames(); names.hasNext();) {
                String name = names.next();
                JsonNode value = f.any(name);
                if (value == null) {
                    features.put(name, null);
                } else if (value.isNumber() && Double.isFinite(value.asDouble())) {
                    features.put(name, value.asDouble());
                } else if (value.isBoolean()) {
                    features.put(name, value.asBoolean());
                } else if (value.isTextual()) {
                    features.put(name, value.asText());
                } else {
                    fields.error(f.path(name), "must be a number, a boolean, text or null");
                    ok = false;
                }
            }
            item.done();
            if (eventId == null || label == null || score == null || loss == null) {
                ok = false;
            } else {
                worst.add(new EvaluationReport.WorstExample(eventId, label, score, loss,
                        java.util.Collections.unmodifiableMap(slices), java.util.Collections.unmodifiableMap(features)));
            }
        }
        return ok ? List.copyOf(worst) : null;
    }

    private static Map<String, Double> metrics(Fields fields, Fields.Obj o) {
        if (!o.present()) {
            o.reportSelfMissing("metric name -> value");
            return null;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        boolean ok = true;
        for (Iterator<String> names = o.fieldNames(); names.hasNext();) {
            String name = names.next();
            Double value = o.number(name, true, "a metric value", -Double.MAX_VALUE, false, Double.MAX_VALUE);
            if (value == null) {
                ok = false;
            } else {
                metrics.put(name, value);
            }
        }
        if (metrics.isEmpty() && ok) {
            fields.error(o.ownPath(), "must hold at least one metric");
            return null;
        }
        return ok ? Map.copyOf(metrics) : null;
    }

    private static Calibration calibration(Fields fields, Fields.Obj o) {
        Double ece = o.number("ece", true, "expected calibration error", 0, false, 1);
        List<Fields.Obj> items = o.objects("bins", true, 1, "the reliability bins the ECE was computed from");
        List<Calibration.Bin> bins = new ArrayList<>();
        boolean ok = items != null;
        if (items != null) {
            for (Fields.Obj item : items) {
                Double lower = item.number("lower", true, "lower edge of predicted probability", 0, false, 1);
                Double upper = item.number("upper", true, "upper edge of predicted probability", 0, false, 1);
                Long count = item.integer("count", true, "rows in the bin", 0, Long.MAX_VALUE);
                Double predicted = item.number("meanPredicted", true, "mean predicted probability", 0, false, 1);
                Double observed = item.number("observedRate", true, "observed positive rate", 0, false, 1);
                item.done();
                if (lower == null || upper == null || count == null || predicted == null || observed == null) {
                    ok = false;
                } else {
                    bins.add(new Calibration.Bin(lower, upper, count, predicted, observed));
                }
            }
        }
        o.done();
        return ok && ece != null ? new Calibration(ece, List.copyOf(bins)) : null;
    }

    private static BaselineComparison baselineComparison(Fields fields, Fields.Obj o) {
        if (!o.present()) {
            return null;
        }
        Long version = o.integer("baselineVersion", false, "the baseline's model version", 1, Integer.MAX_VALUE);
        String model = o.text("model", true, "what the baseline is, e.g. logistic regression");
        String metric = o.text("metric", true, "the primary metric compared");
        double any = Double.MAX_VALUE;
        Double candidate = o.number("candidate", true, "candidate's value", -any, false, any);
        Double baseline = o.number("baseline", true, "baseline's value", -any, false, any);
        Double delta = o.number("delta", true, "candidate - baseline", -any, false, any);
        Double ciLow = o.number("ciLow", true, "lower bound of the bootstrap CI of delta", -any, false, any);
        Double ciHigh = o.number("ciHigh", true, "upper bound of the bootstrap CI of delta", -any, false, any);
        Long n = o.integer("n", true, "holdout rows both were evaluated on", 1, Long.MAX_VALUE);
        o.done();
        if (candidate != null && baseline != null && delta != null
                && Math.abs(candidate - baseline - delta) > 1e-9 * Math.max(1, Math.abs(delta))) {
            fields.error(o.path("delta"), "is " + delta + " but candidate - baseline is " + (candidate - baseline));
            return null;
        }
        if (model == null || metric == null || candidate == null || baseline == null || delta == null
                || ciLow == null || ciHigh == null || n == null) {
            return null;
        }
        return new BaselineComparison(version == null ? null : version.intValue(), model, metric, candidate,
                baseline, delta, ciLow, ciHigh, n);
    }

    private static ChampionComparison comparison(Fields fields, Fields.Obj o) {
        if (!o.present()) {
            return null;
        }
        Long version = o.integer("championVersion", true, "the champion version evaluated on the same rows", 1,
                Integer.MAX_VALUE);
        String metric = o.text("metric", true, "the primary metric compared");
        double any = Double.MAX_VALUE;
        Double candidate = o.number("candidate", true, "candidate's value", -any, false, any);
        Double champion = o.number("champion", true, "champion's value", -any, false, any);
        Double delta = o.number("delta", true, "candidate - champion", -any, false, any);
        Double ciLow = o.number("ciLow", true, "lower bound of the bootstrap CI of delta", -any, false, any);
        Double ciHigh = o.number("ciHigh", true, "upper bound of the bootstrap CI of delta", -any, false, any);
        Long n = o.integer("n", true, "holdout rows both were evaluated on", 1, Long.MAX_VALUE);
        Double confidence = o.number("confidence", false, "confidence level of the CI (default 0.95)", 0, true, 1);
        Long resamples = o.integer("resamples", false, "bootstrap resamples", 1, Integer.MAX_VALUE);
        o.done();
        if (candidate != null && champion != null && delta != null
                && Math.abs(candidate - champion - delta) > 1e-9 * Math.max(1, Math.abs(delta))) {
            fields.error(o.path("delta"), "is " + delta + " but candidate - champion is " + (candidate - champion));
            return null;
        }
        if (ciLow != null && ciHigh != null && ciLow > ciHigh) {
            fields.error(o.path("ciHigh"), "must not be below ciLow");
            return null;
        }
        if (version == null || metric == null || candidate == null || champion == null || delta == null
                || ciLow == null || ciHigh == null || n == null) {
            return null;
        }
        return new ChampionComparison(version.intValue(), metric, candidate, champion, delta, ciLow, ciHigh, n,
                confidence == null ? 0.95 : confidence, resamples == null ? 0 : resamples.intValue());
    }

    private static ReferenceProfile profile(Fields fields, Fields.Obj o, RuntimeContract contract) {
        Long n = o.integer("n", true, "rows the profile was computed from", 1, Long.MAX_VALUE);
        Fields.Obj features = o.object("features", true);
        Map<String, ReferenceProfile.Feature> profiles = new LinkedHashMap<>();
        boolean ok = true;
        for (Iterator<String> names = features.fieldNames(); names.hasNext();) {
            String name = names.next();
            Fields.Obj f = features.object(name, true);
            ReferenceProfile.Feature feature = feature(fields, f);
            if (feature == null) {
                ok = false;
            } else {
                profiles.put(name, feature);
            }
        }
        o.done();
        if (contract != null && features.present()) {
            for (RuntimeContract.Input input : contract.inputs()) {
                ReferenceProfile.Feature feature = profiles.get(input.name());
                if (feature == null && features.any(input.name()) == null) {
                    fields.error(features.path(input.name()), "required: the profile of every contract input");
                    ok = false;
                } else if (feature != null && feature.type() != input.type()) {
                    fields.error(features.path(input.name()) + ".type", "is " + feature.type()
                            + " but the contract says " + input.type());
                }
            }
            for (String name : profiles.keySet()) {
                if (!contract.inputNames().contains(name)) {
                    fields.error(features.path(name), "is not an input of the contract");
                }
            }
        }
        if (!features.present()) {
            features.reportSelfMissing("per-input profiles");
        }
        return n == null || !ok || !features.present() ? null : new ReferenceProfile(n, Map.copyOf(profiles));
    }

    private static ReferenceProfile.Feature feature(Fields fields, Fields.Obj f) {
        InputType type = inputType(fields, f, "type");
        Double missingRate = f.number("missingRate", true, "share of rows where it was missing", 0, false, 1);
        List<Double> frequencies = f.numbers("frequencies", true, 1, "share of non-missing values per bin or category");
        List<Double> edges = null;
        List<String> categories = null;
        Double mean = null;
        Double std = null;
        boolean numeric = type == InputType.DOUBLE || type == InputType.LONG;
        if (numeric) {
            edges = f.numbers("edges", true, 2, "histogram bin edges, ascending, one more than frequencies");
            mean = f.number("mean", true, "mean of the non-missing values", -Double.MAX_VALUE, false, Double.MAX_VALUE);
            std = f.number("std", true, "standard deviation of the non-missing values", 0, false, Double.MAX_VALUE);
            if (edges != null) {
                for (int i = 1; i < edges.size(); i++) {
                    if (edges.get(i) <= edges.get(i - 1)) {
                        fields.error(f.path("edges"), "must be strictly ascending");
                        edges = null;
                        break;
                    }
                }
            }
            if (edges != null && frequencies != null && edges.size() != frequencies.size() + 1) {
                fields.error(f.path("edges"), "holds " + edges.size() + " edges for " + frequencies.size()
                        + " frequencies; expected one more edge than frequencies");
                edges = null;
            }
        } else if (type != null) {
            categories = f.texts("categories", true, 1, "the values seen, one per frequency");
            if (categories != null && frequencies != null && categories.size() != frequencies.size()) {
                fields.error(f.path("categories"), "holds " + categories.size() + " categories for "
                        + frequencies.size() + " frequencies");
                categories = null;
            }
        }
        if (frequencies != null && missingRate != null) {
            double sum = 0;
            for (double v : frequencies) {
                if (v < 0) {
                    fields.error(f.path("frequencies"), "must not hold negative shares");
                    return null;
                }
                sum += v;
            }
            if (missingRate < 1 && Math.abs(sum - 1) > 1e-6) {
                fields.error(f.path("frequencies"), "must sum to 1 (shares of the non-missing values), sum to " + sum);
                return null;
            }
        }
        f.done();
        if (type == null || missingRate == null || frequencies == null
                || (numeric && (edges == null || mean == null || std == null)) || (!numeric && categories == null)) {
            return null;
        }
        return new ReferenceProfile.Feature(type, edges, categories, frequencies, mean, std, missingRate);
    }
}
