package dev.brigade.registry.service;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.document.Fields;
import dev.brigade.registry.EvaluationReport;
import dev.brigade.registry.EvaluationReport.BaselineComparison;
import dev.brigade.registry.EvaluationReport.BusinessValue;
import dev.brigade.registry.EvaluationReport.Calibration;
import dev.brigade.registry.EvaluationReport.ChampionComparison;
import dev.brigade.registry.EvaluationReport.Holdout;
import dev.brigade.registry.EvaluationReport.LatencyHints;
import dev.brigade.registry.EvaluationReport.Overall;
import dev.brigade.registry.EvaluationReport.SliceResult;
import dev.brigade.registry.FairnessReport;
import dev.brigade.registry.Lineage;
import dev.brigade.registry.UseCaseSpec;

/**
 * Reads a model version's {@code evaluationReport}: overall and per-slice metrics (the spec's primary metric among
 * them), calibration, the business metric, the comparisons with champion and baseline, the worst rows, latency
 * hints and the fairness section ({@link FairnessSection}).
 */
final class ReportSection {

    /** At most this many worst rows per report: they are for a person to read, and they travel in every event. */
    static final int MAX_WORST_EXAMPLES = 100;

    private ReportSection() {
    }

    /** The report, or null when it is invalid (then the errors are in fields). */
    static EvaluationReport read(Fields fields, Fields.Obj o, UseCaseSpec spec) {
        Holdout holdout = null;
        Fields.Obj h = o.object("holdout", false);
        if (h.present()) {
            String description = h.text("description", false, "what the holdout is");
            Long n = h.integer("n", true, "holdout rows", 1, Long.MAX_VALUE);
            List<Lineage.DatasetRange> ranges = LineageSection.ranges(fields,
                    h.objects("ranges", false, 1, "holdout offset ranges"));
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
        List<Fields.Obj> sliceItems = o.objects("slices", false, 0, "per-slice metrics with counts");
        List<SliceResult> slices = sliceItems == null ? List.of() : Sections.each(sliceItems, item -> {
            String slice = item.text("slice", true, "the slice attribute (e.g. region)");
            String value = item.text("value", true, "the attribute's value (e.g. eu)");
            Long n = item.integer("n", true, "rows in the slice", 0, Long.MAX_VALUE);
            Map<String, Double> metrics = metrics(fields, item.object("metrics", true));
            item.done();
            return slice == null || value == null || n == null || metrics == null ? null
                    : new SliceResult(slice, value, n, metrics);
        });
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
        if (overallN == null || overallMetrics == null || slices == null || (calibrationRequired && calibration == null)
                || businessName == null || candidate == null || (o.any("championComparison") != null
                        && comparison == null) || (o.any("baselineComparison") != null && baseline == null)
                || worst == null || (o.any("fairness") != null && fairness == null)) {
            return null;
        }
        return new EvaluationReport(holdout, new Overall(overallN, overallMetrics), slices, calibration,
                new BusinessValue(businessName, candidate, champion), comparison, latency, baseline, worst, fairness);
    }

    private static List<EvaluationReport.WorstExample> worstExamples(Fields fields, List<Fields.Obj> items) {
        if (items == null) {
            return List.of();
        }
        if (items.size() > MAX_WORST_EXAMPLES) {
            fields.error("evaluationReport.worstExamples", "holds " + items.size() + " rows; at most "
                    + MAX_WORST_EXAMPLES);
            return null;
        }
        return Sections.each(items, item -> worstExample(fields, item));
    }

    private static EvaluationReport.WorstExample worstExample(Fields fields, Fields.Obj item) {
        boolean ok = true;
        double any = Double.MAX_VALUE;
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
        return !ok || eventId == null || label == null || score == null || loss == null ? null
                : new EvaluationReport.WorstExample(eventId, label, score, loss,
                        Collections.unmodifiableMap(slices), Collections.unmodifiableMap(features));
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
        List<Calibration.Bin> bins = Sections.each(o.objects("bins", true, 1,
                "the reliability bins the ECE was computed from"), item -> {
            Double lower = item.number("lower", true, "lower edge of predicted probability", 0, false, 1);
            Double upper = item.number("upper", true, "upper edge of predicted probability", 0, false, 1);
            Long count = item.integer("count", true, "rows in the bin", 0, Long.MAX_VALUE);
            Double predicted = item.number("meanPredicted", true, "mean predicted probability", 0, false, 1);
            Double observed = item.number("observedRate", true, "observed positive rate", 0, false, 1);
            item.done();
            return lower == null || upper == null || count == null || predicted == null || observed == null ? null
                    : new Calibration.Bin(lower, upper, count, predicted, observed);
        });
        o.done();
        return bins != null && ece != null ? new Calibration(ece, bins) : null;
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
}
