package dev.brigade.feature.mapping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.brigade.events.text.Durations;
import dev.brigade.feature.Aggregation;
import dev.brigade.feature.DataContract;
import dev.brigade.feature.FeatureDefinition;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureType;
import dev.brigade.platform.document.Fields;
import dev.brigade.platform.http.FieldError;

/**
 * Reads a feature-set version from YAML and checks all of it, reporting every problem with the field that has it,
 * so an author fixes a file in one round. The platform's {@link Fields} walks the tree, collects the problems and
 * refuses unknown fields; the value rules and their messages are this parser's own.
 */
public final class FeatureSetParser {

    /** Names reach URLs and state-store names: a strict pattern keeps path tricks out. */
    public static final Pattern SET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final Pattern FEATURE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);
    static final Duration MAX_WINDOW = Duration.ofDays(366);
    static final int MAX_FEATURES = 200;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Either a definition or the problems; never both. */
    public record Result(Optional<FeatureSetDefinition> definition, List<FieldError> errors) {

        static Result ok(FeatureSetDefinition definition) {
            return new Result(Optional.of(definition), List.of());
        }

        static Result failed(List<FieldError> errors) {
            return new Result(Optional.empty(), List.copyOf(errors));
        }
    }

    private FeatureSetParser() {
    }

    public static Result parse(String yaml) {
        return parse(yaml, null, 0);
    }

    /** As {@link #parse(String)}, and the YAML's name and version must be these (from the request path). */
    public static Result parse(String yaml, String expectedName, int expectedVersion) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml == null ? "" : yaml);
        } catch (JsonProcessingException e) {
            return Result.failed(List.of(new FieldError("$", "not valid YAML: " + e.getOriginalMessage())));
        }
        if (root == null || !root.isObject()) {
            return Result.failed(List.of(new FieldError("$", "expected a mapping with name, version and features")));
        }
        Fields errors = new Fields();
        Fields.Obj top = errors.root(root);
        String name = text(top, "name", errors, true);
        if (name != null && !SET_NAME.matcher(name).matches()) {
            errors.error("name", "must match " + SET_NAME.pattern());
        }
        int version = 0;
        JsonNode versionNode = top.any("version");
        if (versionNode == null || versionNode.isNull()) {
            errors.error("version", "is required");
        } else if (!versionNode.canConvertToExactIntegral() || versionNode.asInt() < 1) {
            errors.error("version", "must be a whole number of at least 1");
        } else {
            version = versionNode.asInt();
        }
        if (expectedName != null && name != null && !name.equals(expectedName)) {
            errors.error("name", "is '" + name + "' but the path says '" + expectedName + "'");
        }
        if (expectedVersion > 0 && version > 0 && version != expectedVersion) {
            errors.error("version", "is " + version + " but the path says " + expectedVersion);
        }
        String description = text(top, "description", errors, false);
        String source = text(top, "source", errors, false);
        Duration grace = duration(top, "grace", errors).orElse(DEFAULT_GRACE);
        List<String> slices = stringList(top, "slices", errors);
        List<FeatureDefinition> features = features(top, errors);
        DataContract contract = expectations(top, features, errors);
        top.done();
        if (!errors.ok()) {
            return Result.failed(errors.errors());
        }
        return Result.ok(new FeatureSetDefinition(name, version, Optional.ofNullable(description),
                Optional.ofNullable(source), grace, slices, features, contract));
    }

    /**
     * The data contract: {@code freshness}, {@code label.positiveShare.{min,max}} and, per declared feature,
     * {@code min}/{@code max} (numbers), {@code categories} (strings) and {@code maxMissingRate}. A bound the
     * feature's own default breaks is refused: every defaulted value would break the contract.
     */
    private static DataContract expectations(Fields.Obj top, List<FeatureDefinition> features, Fields errors) {
        Fields.Obj node = mapping(top, "expectations", "must be a mapping with freshness, label and features",
                errors);
        if (node == null) {
            return DataContract.NONE;
        }
        Optional<Duration> freshness = duration(node, "freshness", errors);
        if (freshness.isPresent() && freshness.get().isZero()) {
            errors.error("expectations.freshness", "must be longer than 0");
        }
        Optional<Double> shareMin = Optional.empty();
        Optional<Double> shareMax = Optional.empty();
        Fields.Obj label = mapping(node, "label", "must be a mapping with positiveShare", errors);
        if (label != null) {
            String at = "expectations.label.positiveShare";
            JsonNode raw = label.any("positiveShare");
            if (raw == null || !raw.isObject()) {
                errors.error(at, "must be a mapping with min and/or max, shares from 0 to 1");
            } else {
                Fields.Obj share = label.object("positiveShare", false);
                shareMin = number(share, "min", errors);
                shareMax = number(share, "max", errors);
                shareMin.filter(v -> v < 0 || v > 1)
                        .ifPresent(v -> errors.error(at + ".min", "must be between 0 and 1"));
                shareMax.filter(v -> v < 0 || v > 1)
                        .ifPresent(v -> errors.error(at + ".max", "must be between 0 and 1"));
                if (shareMin.isEmpty() && shareMax.isEmpty() && raw.get("min") == null && raw.get("max") == null) {
                    errors.error(at, "needs min, max or both");
                }
                if (shareMin.isPresent() && shareMax.isPresent() && shareMin.get() > shareMax.get()) {
                    errors.error(at + ".min", "is above max");
                }
                share.done();
            }
            label.done();
        }
        List<DataContract.FeatureExpectation> expected = new ArrayList<>();
        Fields.Obj perFeature = mapping(node, "features", "must be a mapping from feature name to its expectations",
                errors);
        if (perFeature != null) {
            for (Iterator<String> it = perFeature.fieldNames(); it.hasNext(); ) {
                featureExpectation(perFeature, it.next(), features, errors).ifPresent(expected::add);
            }
        }
        node.done();
        return new DataContract(expected, shareMin, shareMax, freshness);
    }

    private static Optional<DataContract.FeatureExpectation> featureExpectation(Fields.Obj perFeature,
            String feature, List<FeatureDefinition> features, Fields errors) {
        String at = perFeature.path(feature);
        JsonNode raw = perFeature.any(feature);
        Optional<FeatureDefinition> declared = features.stream().filter(f -> f.name().equals(feature)).findFirst();
        if (declared.isEmpty()) {
            errors.error(at, "is not a feature of this set");
            return Optional.empty();
        }
        if (raw == null || !raw.isObject() || raw.isEmpty()) {
            errors.error(at, "must be a mapping with min, max, categories or maxMissingRate");
            return Optional.empty();
        }
        int before = errors.errors().size();
        Fields.Obj e = perFeature.object(feature, false);
        FeatureDefinition f = declared.get();
        boolean numeric = f.type() == FeatureType.LONG || f.type() == FeatureType.DOUBLE;
        Optional<Double> min = number(e, "min", errors);
        Optional<Double> max = number(e, "max", errors);
        if (!numeric && (raw.has("min") || raw.has("max"))) {
            errors.error(at + (raw.has("min") ? ".min" : ".max"), "applies to long and double features only; "
                    + feature + " is " + f.type().lowerCase());
        }
        if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
            errors.error(at + ".min", "is above max");
        }
        if (numeric && f.defaultValue() instanceof Number d) {
            min.filter(m -> d.doubleValue() < m).ifPresent(m -> errors.error(at + ".min",
                    "is above the feature's default " + d + ": every defaulted value would break it"));
            max.filter(m -> d.doubleValue() > m).ifPresent(m -> errors.error(at + ".max",
                    "is below the feature's default " + d + ": every defaulted value would break it"));
        }
        List<String> categories = categories(e, f, errors);
        Optional<Double> missing = number(e, "maxMissingRate", errors);
        missing.filter(v -> v < 0 || v > 1).ifPresent(
                v -> errors.error(at + ".maxMissingRate", "must be between 0 and 1"));
        e.done();
        if (errors.errors().size() != before) {
            return Optional.empty();
        }
        return Optional.of(new DataContract.FeatureExpectation(feature, min, max, categories, missing));
    }

    private static List<String> categories(Fields.Obj e, FeatureDefinition f, Fields errors) {
        List<String> categories = new ArrayList<>();
        JsonNode cats = e.any("categories");
        String at = e.path("categories");
        if (cats == null) {
            return categories;
        }
        if (f.type() != FeatureType.STRING) {
            errors.error(at, "applies to string features only; " + f.name() + " is " + f.type().lowerCase());
        } else if (!cats.isArray() || cats.isEmpty()) {
            errors.error(at, "must be a non-empty list of values");
        } else {
            for (int i = 0; i < cats.size(); i++) {
                if (!cats.get(i).isTextual()) {
                    errors.error(at + "[" + i + "]", "must be a string");
                } else {
                    categories.add(cats.get(i).textValue());
                }
            }
            if (!categories.contains(String.valueOf(f.defaultValue()))) {
                errors.error(at, "must include the feature's default '" + f.defaultValue() + "'");
            }
        }
        return categories;
    }

    private static List<FeatureDefinition> features(Fields.Obj top, Fields errors) {
        List<FeatureDefinition> features = new ArrayList<>();
        JsonNode node = top.any("features");
        if (node == null) {
            errors.error("features", "is required: a list of at least one feature");
            return features;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.error("features", "must be a list of at least one feature");
            return features;
        }
        if (node.size() > MAX_FEATURES) {
            errors.error("features", "at most " + MAX_FEATURES + " features, got " + node.size());
            return features;
        }
        Set<String> names = new HashSet<>();
        for (Fields.Obj f : top.objects("features", true, 1, "the features")) {
            if (f.present()) {
                feature(f, names, errors).ifPresent(features::add);
            }
        }
        return features;
    }

    private static Optional<FeatureDefinition> feature(Fields.Obj f, Set<String> names, Fields errors) {
        int before = errors.errors().size();
        String name = text(f, "name", errors, true);
        if (name != null && !FEATURE_NAME.matcher(name).matches()) {
            errors.error(f.path("name"), "must match " + FEATURE_NAME.pattern());
        } else if (name != null && !names.add(name)) {
            errors.error(f.path("name"), "duplicate feature name " + name);
        }
        Optional<FeatureType> type = enumField(f, "type", FeatureType::parse, errors);
        Optional<Aggregation> aggregation = enumField(f, "aggregation", Aggregation::parse, errors);
        String attribute = text(f, "attribute", errors, false);
        Optional<Duration> window = duration(f, "window", errors);
        f.any("description"); // documentation only
        boolean windowGiven = f.node().get("window") != null; // an explicit null counts as given, as it always did
        if (aggregation.isPresent()) {
            Aggregation agg = aggregation.get();
            if (agg.needsAttribute() && attribute == null) {
                errors.error(f.path("attribute"), "is required for aggregation " + lower(agg));
            }
            if (agg.needsWindow() && window.isEmpty() && !windowGiven) {
                errors.error(f.path("window"), "is required for aggregation " + lower(agg));
            }
            if (!agg.needsWindow() && windowGiven) {
                errors.error(f.path("window"), "does not apply to aggregation " + lower(agg));
            }
            type.ifPresent(t -> requiredType(agg).filter(required -> required != t).ifPresent(required -> errors
                    .error(f.path("type"), "must be " + required.lowerCase() + " for aggregation " + lower(agg))));
        }
        Object defaultValue = null;
        JsonNode defaultNode = f.any("default");
        if (defaultNode == null) {
            errors.error(f.path("default"), "is required: the value for entities without history");
        } else if (type.isPresent()) {
            Optional<Object> coerced = type.get().coerce(scalar(defaultNode));
            if (coerced.isEmpty()) {
                errors.error(f.path("default"), "must be a " + type.get().lowerCase());
            } else {
                defaultValue = coerced.get();
            }
        }
        f.done();
        if (errors.errors().size() != before) {
            return Optional.empty();
        }
        return Optional.of(new FeatureDefinition(name, type.orElseThrow(), aggregation.orElseThrow(),
                Optional.ofNullable(attribute), window, defaultValue));
    }

    private static Optional<FeatureType> requiredType(Aggregation aggregation) {
        return switch (aggregation) {
            case COUNT, DISTINCT_COUNT -> Optional.of(FeatureType.LONG);
            case SUM, MEAN, MIN, MAX, TIME_SINCE_LAST, RATIO_TO_MEAN -> Optional.of(FeatureType.DOUBLE);
            case ATTRIBUTE, LAST -> Optional.empty();
        };
    }

    private static Object scalar(JsonNode node) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.isTextual() ? node.textValue() : null;
    }

    /** The nested mapping, or null when absent or not a mapping (then with this parser's own message). */
    private static Fields.Obj mapping(Fields.Obj parent, String field, String notMapping, Fields errors) {
        JsonNode value = parent.any(field);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            errors.error(parent.path(field), notMapping);
            return null;
        }
        return parent.object(field, false);
    }

    private static Optional<Double> number(Fields.Obj node, String field, Fields errors) {
        JsonNode value = node.any(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            errors.error(node.path(field), "must be a number");
            return Optional.empty();
        }
        return Optional.of(value.doubleValue());
    }

    private static <E> Optional<E> enumField(Fields.Obj node, String field, Function<String, Optional<E>> parser,
            Fields errors) {
        String value = text(node, field, errors, true);
        if (value == null) {
            return Optional.empty();
        }
        Optional<E> parsed = parser.apply(value);
        if (parsed.isEmpty()) {
            errors.error(node.path(field), "unknown " + field + " '" + value + "'");
        }
        return parsed;
    }

    /** Zero is a duration here (a grace period of none); the platform's Fields reader would refuse it. */
    private static Optional<Duration> duration(Fields.Obj node, String field, Fields errors) {
        JsonNode value = node.any(field);
        if (value == null) {
            return Optional.empty();
        }
        Optional<Duration> parsed = value.isTextual() ? Durations.tryParse(value.textValue()) : Optional.empty();
        if (parsed.isEmpty()) {
            errors.error(node.path(field), "must be a duration such as 30s, 10m, 1h or 7d");
        } else if (parsed.get().isNegative() || parsed.get().compareTo(MAX_WINDOW) > 0) {
            errors.error(node.path(field), "must be between 0 and " + Durations.format(MAX_WINDOW));
            return Optional.empty();
        }
        return parsed;
    }

    private static List<String> stringList(Fields.Obj node, String field, Fields errors) {
        JsonNode value = node.any(field);
        List<String> list = new ArrayList<>();
        if (value == null) {
            return list;
        }
        if (!value.isArray()) {
            errors.error(node.path(field), "must be a list of attribute names");
            return list;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual() || value.get(i).textValue().isBlank()) {
                errors.error(node.path(field) + "[" + i + "]", "must be an attribute name");
            } else {
                list.add(value.get(i).textValue());
            }
        }
        return list;
    }

    /** Text only: Fields' text reader would also take a number, which a name never was here. */
    private static String text(Fields.Obj node, String field, Fields errors, boolean required) {
        JsonNode value = node.any(field);
        if (value == null) {
            if (required) {
                errors.error(node.path(field), "is required");
            }
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            errors.error(node.path(field), "must be a non-empty string");
            return null;
        }
        return value.textValue().trim();
    }

    private static String lower(Aggregation aggregation) {
        return aggregation.name().toLowerCase(Locale.ROOT);
    }
}
