package dev.brigade.registry.service;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.platform.document.Fields;
import dev.brigade.registry.FairnessReport;

/**
 * Reads the evaluation report's optional {@code fairness} section (docs/model-artifacts.md) field by field: counts
 * whole and consistent, rates in [0, 1], each gap naming its slices.
 */
final class FairnessSection {

    private static final List<String> RATES = List.of("positiveRate", "truePositiveRate", "falsePositiveRate");

    private FairnessSection() {
    }

    /** The section, or null when it is absent or invalid (then the errors are in fields). */
    static FairnessReport read(Fields fields, Fields.Obj o) {
        if (!o.present()) {
            return null;
        }
        Long minSliceSize = o.integer("minSliceSize", true,
                "least rows in a rate's denominator for a slice to count in a gap", 1, Integer.MAX_VALUE);
        List<Fields.Obj> items = o.objects("attributes", true, 1, "one entry per protected attribute");
        o.done();
        List<FairnessReport.Attribute> attributes = Sections.each(items, item -> attribute(fields, item));
        return minSliceSize != null && attributes != null
                ? new FairnessReport(minSliceSize.intValue(), attributes) : null;
    }

    private static FairnessReport.Attribute attribute(Fields fields, Fields.Obj item) {
        String attribute = item.text("attribute", true, "the protected attribute (e.g. region)");
        List<FairnessReport.Slice> slices = Sections.each(item.objects("slices", true, 1,
                "each value of the attribute with its counts and rates"), slice -> slice(fields, slice));
        List<FairnessReport.Gap> gaps = gaps(item.objects("gaps", false, 0, "the candidate's gap per metric"));
        List<FairnessReport.Gap> championGaps = item.any("championGaps") == null ? null
                : gaps(item.objects("championGaps", false, 0, "the champion's gap per metric"));
        item.done();
        if (attribute == null || slices == null || gaps == null
                || (item.any("championGaps") != null && championGaps == null)) {
            return null;
        }
        return new FairnessReport.Attribute(attribute, slices, gaps, championGaps);
    }

    private static FairnessReport.Slice slice(Fields fields, Fields.Obj item) {
        String value = item.text("value", true, "the attribute's value (e.g. eu)");
        Long n = item.integer("n", true, "rows in the slice", 0, Long.MAX_VALUE);
        Long positives = item.integer("positives", false, "rows labelled positive", 0, Long.MAX_VALUE);
        Long negatives = item.integer("negatives", false, "rows labelled negative", 0, Long.MAX_VALUE);
        Fields.Obj m = item.object("metrics", true);
        Map<String, Double> metrics = new LinkedHashMap<>();
        boolean ok = true;
        for (Iterator<String> names = m.fieldNames(); names.hasNext();) {
            String name = names.next();
            boolean rate = RATES.contains(name);
            Double number = m.number(name, true, rate ? "a rate" : "a metric value",
                    rate ? 0 : -Double.MAX_VALUE, false, rate ? 1 : Double.MAX_VALUE);
            if (number == null) {
                ok = false;
            } else {
                metrics.put(name, number);
            }
        }
        if (!m.present()) {
            m.reportSelfMissing("metric name -> value (rates or mae)");
            ok = false;
        }
        item.done();
        if (n != null && positives != null && negatives != null && positives + negatives != n) {
            fields.error(item.path("n"), "is " + n + " but positives + negatives is " + (positives + negatives));
            ok = false;
        }
        return ok && value != null && n != null
                ? new FairnessReport.Slice(value, n, positives, negatives, Map.copyOf(metrics)) : null;
    }

    /** An absent list of gaps is an empty one. */
    private static List<FairnessReport.Gap> gaps(List<Fields.Obj> items) {
        return items == null ? List.of() : Sections.each(items, item -> {
            String metric = item.text("metric", true, "the metric whose gap this is");
            Double gap = item.number("gap", true, "highest minus lowest slice value", 0, false, Double.MAX_VALUE);
            String highest = item.text("highest", true, "the slice with the highest value");
            String lowest = item.text("lowest", true, "the slice with the lowest value");
            Long compared = item.integer("slicesCompared", true, "slices large enough to compare", 2,
                    Integer.MAX_VALUE);
            item.done();
            return metric == null || gap == null || highest == null || lowest == null || compared == null ? null
                    : new FairnessReport.Gap(metric, gap, highest, lowest, compared.intValue());
        });
    }
}
