package dev.brigade.registry.service;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.document.Fields;
import dev.brigade.registry.Lineage;
import dev.brigade.registry.UseCaseSpec;

/** Reads a model version's {@code lineage}: the run, code, feature set (the spec's) and offset ranges it came from. */
final class LineageSection {

    private LineageSection() {
    }

    /** The lineage, or null when it is invalid (then the errors are in fields). */
    static Lineage read(Fields fields, Fields.Obj o, UseCaseSpec spec) {
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

    /** Offset ranges (lineage's datasetRanges, the holdout's ranges); null when any is invalid. */
    static List<Lineage.DatasetRange> ranges(Fields fields, List<Fields.Obj> items) {
        return Sections.each(items, item -> {
            String topic = item.text("topic", true, "the topic read");
            Long partition = item.integer("partition", true, "the partition read", 0, Integer.MAX_VALUE);
            Long from = item.integer("fromOffset", true, "first offset read", 0, Long.MAX_VALUE);
            Long to = item.integer("toOffset", true, "offset after the last one read", 0, Long.MAX_VALUE);
            if (from != null && to != null && to < from) {
                fields.error(item.path("toOffset"), "must not be below fromOffset");
                to = null;
            }
            item.done();
            return topic == null || partition == null || from == null || to == null ? null
                    : new Lineage.DatasetRange(topic, partition.intValue(), from, to);
        });
    }
}
