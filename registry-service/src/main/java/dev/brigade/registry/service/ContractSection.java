package dev.brigade.registry.service;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.model.Scorer;
import dev.brigade.platform.document.Fields;
import dev.brigade.registry.InputType;
import dev.brigade.registry.RuntimeContract;
import dev.brigade.registry.UseCaseSpec;

/**
 * Reads a model version's runtime {@code contract} and checks it against the spec and the uploaded artifact: the
 * inputs are the artifact's, in the same order, with the same imputation and decision threshold; the latency
 * budget is within the use case's.
 */
final class ContractSection {

    private static final double TOLERANCE = 1e-9;

    private ContractSection() {
    }

    /** The contract, or null when it is invalid (then the errors are in fields). */
    static RuntimeContract read(Fields fields, Fields.Obj o, UseCaseSpec spec, Scorer scorer) {
        Set<String> seen = new HashSet<>();
        List<RuntimeContract.Input> inputs = Sections.each(o.objects("inputs", true, 1,
                "model inputs in artifact order"), item -> {
            String name = item.text("name", true, "the feature name");
            InputType type = inputType(fields, item, "type");
            JsonNode imputation = item.any("imputation");
            item.done();
            if (name == null || type == null) {
                return null;
            }
            boolean unique = seen.add(name);
            if (!unique) {
                fields.error(item.path("name"), "\"" + name + "\" is listed twice");
            }
            if (type == InputType.STRING) {
                fields.error(item.path("type"), "STRING inputs need an encoding the artifact format does not have");
                return null;
            }
            Object value = imputation(fields, item.path("imputation"), type, imputation);
            return unique ? new RuntimeContract.Input(name, type, value) : null;
        });
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
        if (scorer != null && inputs != null && o.present()) {
            List<String> names = inputs.stream().map(RuntimeContract.Input::name).toList();
            if (!names.equals(scorer.featureNames())) {
                fields.error(o.path("inputs"), "names " + names + " but the artifact takes " + scorer.featureNames()
                        + " (same names, same order)");
            } else {
                for (int i = 0; i < inputs.size(); i++) {
                    Double given = numeric(inputs.get(i).imputation());
                    if (given != null
                            && Math.abs(given - scorer.imputation(i)) > TOLERANCE * Math.max(1, Math.abs(given))) {
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
        if (inputs == null || output == null || budget == null || owner == null || (classification && threshold == null)) {
            return null;
        }
        return new RuntimeContract(inputs, output, budget, threshold, owner);
    }

    static InputType inputType(Fields fields, Fields.Obj item, String name) {
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
        Object imputed = switch (type) {
            case BOOLEAN -> value.isBoolean() ? value.asBoolean() : null;
            case LONG -> value.isIntegralNumber() && value.canConvertToLong() ? value.asLong() : null;
            case DOUBLE -> value.isNumber() && Double.isFinite(value.asDouble()) ? value.asDouble() : null;
            case STRING -> null;
        };
        if (imputed == null) {
            fields.error(path, "must be a " + type + " value");
        }
        return imputed;
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
}
