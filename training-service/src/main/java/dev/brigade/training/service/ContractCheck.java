package dev.brigade.training.service;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.brigade.events.TrainingExample;
import dev.brigade.model.ModelTask;
import dev.brigade.training.DataContract;

/**
 * Checks a dataset against its feature-set version's data contract before anything is fitted: every feature's
 * type, declared ranges and categories, missing rates, the label balance (classification) and freshness. It sees
 * the examples as they are on the topic (before they become model rows, where a wrong type would only look
 * missing), one at a time, so the dataset is read once. Not thread-safe: one per run.
 */
public final class ContractCheck {

    /** Examples of offending values kept per expectation for the reason. */
    private static final int SAMPLES = 3;

    private static final Set<String> CHECKED_TYPES = Set.of("BOOLEAN", "LONG", "DOUBLE", "STRING");

    private final DataContract contract;
    private final ModelTask task;
    private final Map<String, FeatureTally> features = new LinkedHashMap<>();
    private long examples;
    private long positives;
    private Instant newest;

    public ContractCheck(DataContract contract, ModelTask task) {
        this.contract = contract;
        this.task = task;
        contract.types().forEach((name, type) -> features.put(name, new FeatureTally(name, type)));
        for (DataContract.FeatureExpectation e : contract.features()) {
            FeatureTally tally = features.get(e.feature());
            if (tally != null) {
                tally.expected = e;
                tally.categories = Set.copyOf(e.categories());
            }
        }
    }

    /** One example of the dataset (an example the run trains or evaluates on). */
    public void observe(TrainingExample example) {
        examples++;
        if (example.getLabel() == 1.0) {
            positives++;
        }
        if (newest == null || example.getEventTime().isAfter(newest)) {
            newest = example.getEventTime();
        }
        Map<String, Object> values = example.getFeatures();
        for (FeatureTally tally : features.values()) {
            tally.observe(values.get(tally.name));
        }
    }

    /**
     * Each broken expectation, named with its feature, what was allowed and what was observed; empty when the
     * dataset keeps the contract (or has no examples: the splitter reports an empty dataset).
     */
    public List<String> broken(Instant cutoff) {
        List<String> broken = new ArrayList<>();
        if (examples == 0) {
            return broken;
        }
        for (FeatureTally tally : features.values()) {
            tally.report(broken);
        }
        if (task == ModelTask.BINARY_CLASSIFICATION
                && (contract.positiveShareMin().isPresent() || contract.positiveShareMax().isPresent())) {
            double share = (double) positives / examples;
            if (contract.positiveShareMin().map(m -> share < m).orElse(false)
                    || contract.positiveShareMax().map(m -> share > m).orElse(false)) {
                broken.add("label balance: positive share " + number(share) + " (" + positives + " of " + examples
                        + " examples) outside the allowed [" + contract.positiveShareMin().map(ContractCheck::number)
                        .orElse("0") + ", " + contract.positiveShareMax().map(ContractCheck::number).orElse("1")
                        + "]");
            }
        }
        contract.freshness().ifPresent(max -> {
            Duration age = Duration.between(newest, cutoff);
            if (age.compareTo(max) > 0) {
                broken.add("freshness: the newest example (" + newest + ") is " + human(age) + " old at the cutoff "
                        + cutoff + ", at most " + human(max) + " allowed");
            }
        });
        return broken;
    }

    /** 3d 4h, 2h 5m, 45s: the largest two units. */
    static String human(Duration d) {
        long s = d.getSeconds();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        int i = 0;
        while (i < 3 && s < sizes[i]) {
            i++;
        }
        // the next unit is shown only when it is not zero: 3d, not 3d 0h
        long next = i < 3 ? s % sizes[i] / sizes[i + 1] : 0;
        return s / sizes[i] + units[i] + (next > 0 ? " " + next + units[i + 1] : "");
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private final class FeatureTally {
        final String name;
        final String type;
        DataContract.FeatureExpectation expected;
        Set<String> categories = Set.of();
        long missing;
        long wrongType;
        long outOfRange;
        long unknownCategory;
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        final Set<String> typeSamples = new LinkedHashSet<>();
        final Set<String> categorySamples = new LinkedHashSet<>();

        FeatureTally(String name, String type) {
            this.name = name;
            this.type = type;
        }

        void observe(Object value) {
            if (value == null) {
                missing++;
                return;
            }
            if (!hasType(value)) {
                wrongType++;
                if (typeSamples.size() < SAMPLES) {
                    typeSamples.add(typeName(value) + " " + quoted(value));
                }
                return;
            }
            if (expected == null) {
                return;
            }
            if (value instanceof Number n && (expected.min().isPresent() || expected.max().isPresent())) {
                double d = n.doubleValue();
                boolean out = !Double.isFinite(d) || expected.min().map(m -> d < m).orElse(false)
                        || expected.max().map(m -> d > m).orElse(false);
                if (out) {
                    outOfRange++;
                    lowest = Math.min(lowest, d);
                    highest = Math.max(highest, d);
                }
            }
            if (!categories.isEmpty() && !categories.contains(value.toString())) {
                unknownCategory++;
                if (categorySamples.size() < SAMPLES) {
                    categorySamples.add(quoted(value));
                }
            }
        }

        void report(List<String> broken) {
            if (wrongType > 0) {
                broken.add(name + ": type " + type.toLowerCase(java.util.Locale.ROOT) + " broken by " + wrongType
                        + " of " + examples + " values (e.g. " + String.join(", ", typeSamples) + ")");
            }
            if (expected == null) {
                return;
            }
            if (outOfRange > 0) {
                broken.add(name + ": range [" + expected.min().map(ContractCheck::number).orElse("-inf") + ", "
                        + expected.max().map(ContractCheck::number).orElse("inf") + "] broken by " + outOfRange
                        + " of " + examples + " values (outside it: lowest " + number(lowest) + ", highest "
                        + number(highest) + ")");
            }
            if (unknownCategory > 0) {
                broken.add(name + ": categories [" + String.join(", ", expected.categories()) + "] broken by "
                        + unknownCategory + " of " + examples + " values (e.g. " + String.join(", ", categorySamples)
                        + ")");
            }
            expected.maxMissingRate().ifPresent(max -> {
                double rate = (double) missing / examples;
                if (rate > max) {
                    broken.add(name + ": missing rate " + number(rate) + " (" + missing + " of " + examples
                            + " examples) above the allowed " + number(max));
                }
            });
        }

        /** A type this check does not know is taken as kept. */
        private boolean hasType(Object value) {
            return !CHECKED_TYPES.contains(type) || typeName(value).equalsIgnoreCase(type);
        }
    }

    private static String typeName(Object value) {
        if (value instanceof CharSequence) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Long || value instanceof Integer) {
            return "long";
        }
        if (value instanceof Double || value instanceof Float) {
            return "double";
        }
        return value.getClass().getSimpleName();
    }

    private static String quoted(Object value) {
        String text = value.toString();
        if (text.length() > 40) {
            text = text.substring(0, 40) + "...";
        }
        return value instanceof CharSequence ? "'" + text + "'" : text;
    }
}
