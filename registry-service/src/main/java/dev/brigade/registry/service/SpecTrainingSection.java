package dev.brigade.registry.service;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.document.Fields;
import dev.brigade.registry.UseCaseSpec.Hyperparameters;
import dev.brigade.registry.UseCaseSpec.Training;

/**
 * Reads a spec's optional {@code training} section; its hyperparameters are the training-service's names, checked
 * here so a typo fails the registration instead of the first run.
 */
final class SpecTrainingSection {

    private SpecTrainingSection() {
    }

    /** The section, or null when it is absent or invalid (then the errors are in fields). */
    static Training read(Fields fields, Fields.Obj o) {
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
}
