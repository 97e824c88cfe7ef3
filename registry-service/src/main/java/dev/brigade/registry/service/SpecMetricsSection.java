package dev.brigade.registry.service;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.document.Fields;
import dev.brigade.registry.UseCaseSpec.BusinessMetric;
import dev.brigade.registry.UseCaseSpec.CostCell;
import dev.brigade.registry.UseCaseSpec.CostMatrix;
import dev.brigade.registry.UseCaseSpec.Direction;
import dev.brigade.registry.UseCaseSpec.FairnessGuardrails;
import dev.brigade.registry.UseCaseSpec.Guardrail;
import dev.brigade.registry.UseCaseSpec.Guardrails;
import dev.brigade.registry.UseCaseSpec.Metrics;
import dev.brigade.registry.UseCaseSpec.PrimaryMetric;
import dev.brigade.registry.UseCaseSpec.SliceGuardrails;
import dev.brigade.registry.UseCaseSpec.TaskType;

/**
 * Reads a spec's {@code metrics}: the primary metric, the overall, per-slice and fairness guardrails, and the
 * business metric's cost matrix (four cells for a classification, under- and over-prediction for a regression).
 */
final class SpecMetricsSection {

    private SpecMetricsSection() {
    }

    /** The section, or null when it is invalid (then the errors are in fields). */
    static Metrics read(Fields fields, Fields.Obj o, TaskType type) {
        Fields.Obj primaryObj = o.object("primary", true);
        String primaryName = primaryObj.text("name", true, "the one metric candidates are compared on");
        Direction direction = primaryObj.choice("direction", Direction.class, true,
                "whether higher or lower is better");
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
        return Sections.each(items, item -> {
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
            return metric == null || (min == null && max == null) ? null : new Guardrail(metric, min, max);
        });
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
}
