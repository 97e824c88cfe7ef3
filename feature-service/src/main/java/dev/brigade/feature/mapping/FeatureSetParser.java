package dev.brigade.feature.mapping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
import dev.brigade.platform.http.FieldError;

/**
 * Reads a feature-set version from YAML and checks all of it, reporting every problem with the field that has it,
 * so an author fixes a file in one round.
 */
public final class FeatureSetParser {

    /** Names reach URLs and state-store names: a strict pattern keeps path tricks out. */
    public static final Pattern SET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final Pattern FEATURE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);
    static final Duration MAX_WINDOW = Duration.ofDays(366);
    static final int MAX_FEATURES = 200;

    private static final Set<String> TOP_LEVEL = Set.of("name", "version", "description", "source", "grace",
            "slices", "features", "expectations");
    private static final Set<String> FEATURE_FIELDS = Set.of("name", "type", "aggregation", "attribute", "window",
            "default", "description");
    private static final Set<String> EXPECTATION_FIELDS = Set.of("freshness", "label", "features");
    private static final Set<String> FEATURE_EXPECTATION_FIELDS = Set.of("min", "max", "categories",
            "maxMissingRate");
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
        List<FieldError> errors = new ArrayList<>();
        unknownFields(root, TOP_LEVEL, "", errors);

        String name = text(root, "name", errors, true);
        if (name != null && !SET_NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "must match " + SET_NAME.pattern()));
        }
        int version = 0;
        JsonNode versionNode = root.get("version");
        if (versionNode == null || versionNode.isNull()) {
            errors.add(new FieldError("version", "is required"));
        } else if (!versionNode.canConvertToExactIntegral() || versionNode.asInt() < 1) {
            errors.add(new FieldError("version", "must be a whole number of at least 1"));
        } else {
            version = versionNode.asInt();
        }
        if (expectedName != null && name != null && !name.equals(expectedName)) {
            errors.add(new FieldError("name", "is '" + name + "' but the path says '" + expectedName + "'"));
        }
        if (expectedVersion > 0 && version > 0 && version != expectedVersion) {
            errors.add(new FieldError("version", "is " + version + " but the path says " + expectedVersion));
        }
        String description = text(root, "description", errors, false);
        String source = text(root, "source", errors, false);
        Duration grace = duration(root, "grace", "grace", errors).orElse(DEFAULT_GRACE);
        List<String> slices = stringList(root, "slices", errors);
        List<FeatureDefinition> features = features(root.get("features"), errors);
        DataContract contract = expectations(root.get("expectations"), features, errors);

        if (!errors.isEmpty()) {
            return Result.failed(errors);
        }
        return Result.ok(new FeatureSetDefinition(name, version, Optional.ofNullable(description),
                Optional.ofNullable(source), grace, slices, features, contract));
    }

    /**
     * The data contract: {@code freshness}, {@code label.positiveShare.{min,max}} and, per declared feature,
     * {@code min}/{@code max} (numbers), {@code categories} (strings) and {@code maxMissingRate}. A bound the
     * feature's own default breaks is refused: every defaulted value would break the contract.
     */
    private static DataContract expectations(JsonNode node, List<FeatureDefinition> features,
            List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return DataContract.NONE;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("expectations", "must be a mapping with freshness, label and features"));
            return DataContract.NONE;
        }
        unknownFields(node, EXPECTATION_FIELDS, "expectations.", errors);
        Optional<Duration> freshness = duration(node, "freshness", "expectations.freshness", errors);
        if (freshness.isPresent() && freshness.get().isZero()) {
            errors.add(new FieldError("expectations.freshness", "must be longer than 0"));
        }
        Optional<Double> shareMin = Optional.empty();
        Optional<Double> shareMax = Optional.empty();
        JsonNode label = node.get("label");
        if (label != null && !label.isNull()) {
            if (!label.isObject()) {
                errors.add(new FieldError("expectations.label", "must be a mapping with positiveShare"));
            } else {
                unknownFields(label, Set.of("positiveShare"), "expectations.label.", errors);
                JsonNode share = label.get("positiveShare");
                String at = "expectations.label.positiveShare";
                if (share == null || share.isNull() || !share.isObject()) {
                    errors.add(new FieldError(at, "must be a mapping with min and/or max, shares from 0 to 1"));
                } else {
                    unknownFields(share, Set.of("min", "max"), at + ".", errors);
                    shareMin = number(share, "min", at + ".min", errors);
                    shareMax = number(share, "max", at + ".max", errors);
                    shareMin.filter(v -> v < 0 || v > 1).ifPresent(
                            v -> errors.add(new FieldError(at + ".min", "must be between 0 and 1")));
                    shareMax.filter(v -> v < 0 || v > 1).ifPresent(
                            v -> errors.add(new FieldError(at + ".max", "must be between 0 and 1")));
                    if (shareMin.isEmpty() && shareMax.isEmpty() && share.get("min") == null
                            && share.get("max") == null) {
                        errors.add(new FieldError(at, "needs min, max or both"));
                    }
                    if (shareMin.isPresent() && shareMax.isPresent() && shareMin.get() > shareMax.get()) {
                        errors.add(new FieldError(at + ".min", "is above max"));
                    }
                }
            }
        }
        List<DataContract.FeatureExpectation> expected = new ArrayList<>();
        JsonNode perFeature = node.get("features");
        if (perFeature != null && !perFeature.isNull()) {
            if (!perFeature.isObject()) {
                errors.add(new FieldError("expectations.features", "must be a mapping from feature name to "
                        + "its expectations"));
            } else {
                for (Iterator<String> it = perFeature.fieldNames(); it.hasNext(); ) {
                    String feature = it.next();
                    featureExpectation(feature, perFeature.get(feature), features, errors).ifPresent(expected::add);
                }
            }
        }
        return new DataContract(expected, shareMin, shareMax, freshness);
    }

    private static Optional<DataContract.FeatureExpectation> featureExpectation(String feature, JsonNode e,
            List<FeatureDefinition> features, List<FieldError> errors) {
        String at = "expectations.features." + feature;
        Optional<FeatureDefinition> declared = features.stream().filter(f -> f.name().equals(feature)).findFirst();
        if (declared.isEmpty()) {
            errors.add(new FieldError(at, "is not a feature of this set"));
            return Optional.empty();
        }
        if (e == null || !e.isObject() || e.isEmpty()) {
            errors.add(new FieldError(at, "must be a mapping with min, max, categories or maxMissingRate"));
            return Optional.empty();
        }
        int before = errors.size();
        unknownFields(e, FEATURE_EXPECTATION_FIELDS, at + ".", errors);
        FeatureDefinition f = declared.get();
        boolean numeric = f.type() == FeatureType.LONG || f.type() == FeatureType.DOUBLE;
        Optional<Double> min = number(e, "min", at + ".min", errors);
        Optional<Double> max = number(e, "max", at + ".max", errors);
        if (!numeric && (e.has("min") || e.has("max"))) {
            errors.add(new FieldError(at + (e.has("min") ? ".min" : ".max"), "applies to long and double features "
                    + "only; " + feature + " is " + f.type().lowerCase()));
        }
        if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
            errors.add(new FieldError(at + ".min", "is above max"));
        }
        if (numeric && f.defaultValue() instanceof Number d) {
            min.filter(m -> d.doubleValue() < m).ifPresent(m -> errors.add(new FieldError(at + ".min",
                    "is above the feature's default " + d + ": every defaulted value would break it")));
            max.filter(m -> d.doubleValue() > m).ifPresent(m -> errors.add(new FieldError(at + ".max",
                    "is below the feature's default " + d + ": every defaulted value would break it")));
        }
        List<String> categories = new ArrayList<>();
        JsonNode cats = e.get("categories");
        if (cats != null && !cats.isNull()) {
            if (f.type() != FeatureType.STRING) {
                errors.add(new FieldError(at + ".categories", "applies to string features only; " + feature
                        + " is " + f.type().lowerCase()));
            } else if (!cats.isArray() || cats.isEmpty()) {
                errors.add(new FieldError(at + ".categories", "must be a non-empty list of values"));
            } else {
                for (int i = 0; i < cats.size(); i++) {
                    if (!cats.get(i).isTextual()) {
                        errors.add(new FieldError(at + ".categories[" + i + "]", "must be a string"));
                    } else {
                        categories.add(cats.get(i).textValue());
                    }
                }
                if (!categories.contains(String.valueOf(f.defaultValue()))) {
                    errors.add(new FieldError(at + ".categories", "must include the feature's default '"
                            + f.defaultValue() + "'"));
                }
            }
        }
        Optional<Double> missing = number(e, "maxMissingRate", at + ".maxMissingRate", errors);
        missing.filter(v -> v < 0 || v > 1).ifPresent(
                v -> errors.add(new FieldError(at + ".maxMissingRate", "must be between 0 and 1")));
        if (errors.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new DataContract.FeatureExpectation(feature, min, max, categories, missing));
    }

    private static Optional<Double> number(JsonNode node, String field, String at, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            errors.add(new FieldError(at, "must be a number"));
            return Optional.empty();
        }
        return Optional.of(value.doubleValue());
    }

    private static List<FeatureDefinition> features(JsonNode node, List<FieldError> errors) {
        List<FeatureDefinition> features = new ArrayList<>();
        if (node == null || node.isNull()) {
            errors.add(new FieldError("features", "is required: a list of at least one feature"));
            return features;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add(new FieldError("features", "must be a list of at least one feature"));
            return features;
        }
        if (node.size() > MAX_FEATURES) {
            errors.add(new FieldError("features", "at most " + MAX_FEATURES + " features, got " + node.size()));
            return features;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "features[" + i + "]";
            JsonNode f = node.get(i);
            if (!f.isObject()) {
                errors.add(new FieldError(at, "must be a mapping"));
                continue;
            }
            int before = errors.size();
            unknownFields(f, FEATURE_FIELDS, at + ".", errors);
            String name = text(f, "name", at + ".name", errors, true);
            if (name != null && !FEATURE_NAME.matcher(name).matches()) {
                errors.add(new FieldError(at + ".name", "must match " + FEATURE_NAME.pattern()));
            } else if (name != null && !names.add(name)) {
                errors.add(new FieldError(at + ".name", "duplicate feature name " + name));
            }
            Optional<FeatureType> type = enumField(f, "type", at, FeatureType::parse, errors);
            Optional<Aggregation> aggregation = enumField(f, "aggregation", at, Aggregation::parse, errors);
            String attribute = text(f, "attribute", at + ".attribute", errors, false);
            Optional<Duration> window = duration(f, "window", at + ".window", errors);
            Object defaultValue = null;
            if (aggregation.isPresent()) {
                Aggregation agg = aggregation.get();
                if (agg.needsAttribute() && attribute == null) {
                    errors.add(new FieldError(at + ".attribute", "is required for aggregation " + lower(agg)));
                }
                if (agg.needsWindow() && window.isEmpty() && f.get("window") == null) {
                    errors.add(new FieldError(at + ".window", "is required for aggregation " + lower(agg)));
                }
                if (!agg.needsWindow() && f.get("window") != null) {
                    errors.add(new FieldError(at + ".window", "does not apply to aggregation " + lower(agg)));
                }
                type.ifPresent(t -> {
                    Optional<FeatureType> required = requiredType(agg);
                    if (required.isPresent() && required.get() != t) {
                        errors.add(new FieldError(at + ".type", "must be " + required.get().lowerCase()
                                + " for aggregation " + lower(agg)));
                    }
                });
            }
            JsonNode defaultNode = f.get("default");
            if (defaultNode == null || defaultNode.isNull()) {
                errors.add(new FieldError(at + ".default", "is required: the value for entities without history"));
            } else if (type.isPresent()) {
                Optional<Object> coerced = type.get().coerce(scalar(defaultNode));
                if (coerced.isEmpty()) {
                    errors.add(new FieldError(at + ".default", "must be a " + type.get().lowerCase()));
                } else {
                    defaultValue = coerced.get();
                }
            }
            if (errors.size() == before) {
                features.add(new FeatureDefinition(name, type.orElseThrow(), aggregation.orElseThrow(),
                        Optional.ofNullable(attribute), window, defaultValue));
            }
        }
        return features;
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

    private static <E> Optional<E> enumField(JsonNode node, String field, String at,
            java.util.function.Function<String, Optional<E>> parser, List<FieldError> errors) {
        String value = text(node, field, at + "." + field, errors, true);
        if (value == null) {
            return Optional.empty();
        }
        Optional<E> parsed = parser.apply(value);
        if (parsed.isEmpty()) {
            errors.add(new FieldError(at + "." + field, "unknown " + field + " '" + value + "'"));
        }
        return parsed;
    }

    private static Optional<Duration> duration(JsonNode node, String field, String at, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        Optional<Duration> parsed = value.isTextual() ? Durations.tryParse(value.textValue()) : Optional.empty();
        if (parsed.isEmpty()) {
            errors.add(new FieldError(at, "must be a duration such as 30s, 10m, 1h or 7d"));
        } else if (parsed.get().isNegative() || parsed.get().compareTo(MAX_WINDOW) > 0) {
            errors.add(new FieldError(at, "must be between 0 and " + Durations.format(MAX_WINDOW)));
            return Optional.empty();
        }
        return parsed;
    }

    private static List<String> stringList(JsonNode node, String field, List<FieldError> errors) {
        JsonNode value = node.get(field);
        List<String> list = new ArrayList<>();
        if (value == null || value.isNull()) {
            return list;
        }
        if (!value.isArray()) {
            errors.add(new FieldError(field, "must be a list of attribute names"));
            return list;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual() || value.get(i).textValue().isBlank()) {
                errors.add(new FieldError(field + "[" + i + "]", "must be an attribute name"));
            } else {
                list.add(value.get(i).textValue());
            }
        }
        return list;
    }

    private static String text(JsonNode node, String field, List<FieldError> errors, boolean required) {
        return text(node, field, field, errors, required);
    }

    private static String text(JsonNode node, String field, String at, List<FieldError> errors, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(new FieldError(at, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            errors.add(new FieldError(at, "must be a non-empty string"));
            return null;
        }
        return value.textValue().trim();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<FieldError> errors) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                errors.add(new FieldError(prefix + field, "unknown field"));
            }
        }
    }

    private static String lower(Aggregation aggregation) {
        return aggregation.name().toLowerCase(java.util.Locale.ROOT);
    }
}
