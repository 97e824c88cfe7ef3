package dev.brigade.serving.rest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.ProblemException;
import dev.brigade.serving.Names;
import dev.brigade.serving.ScoreRequest;

/**
 * Reads scoring bodies strictly: a problem names every field to fix. Ids follow the feature-service's rule
 * ({@link Names}), attributes are scalars (as on a raw event), unknown fields are refused so a typo
 * never passes silently.
 */
public final class RequestParser {

    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_STRING = 1024;
    private static final List<String> FIELDS = List.of("eventId", "entityId", "attributes");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER) // same doubles, cheaper
            .build();

    private RequestParser() {
    }

    public static void checkUseCase(String useCase) {
        if (!Names.isUseCase(useCase)) {
            throw new ProblemException(400, "bad-request", "invalid use-case name",
                    List.of(new FieldError("useCase", "must match " + Names.USE_CASE.pattern())));
        }
    }

    public static JsonNode parse(byte[] body, long limit) {
        if (body == null || body.length == 0) {
            throw new ProblemException(400, "bad-request", "the body is empty",
                    List.of(new FieldError("body", "required: a JSON object {eventId, entityId, attributes}")));
        }
        if (body.length > limit) {
            throw new ProblemException(413, "too-large", "the body has " + body.length + " bytes, at most " + limit
                    + " are accepted", List.of(new FieldError("body", "at most " + limit + " bytes")));
        }
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ProblemException(400, "malformed", "the body is not JSON: " + message,
                    List.of(new FieldError("body", "not valid JSON: " + message)));
        }
    }

    /** One request object; errors are added under {@code prefix} (e.g. "[3]."), null when it has any. */
    public static ScoreRequest request(JsonNode node, String prefix, List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
                    "must be a JSON object {eventId, entityId, attributes}"));
            return null;
        }
        int before = errors.size();
        unknownFields(node, FIELDS, prefix, errors);
        String eventId = id(node, "eventId", prefix, errors);
        String entityId = id(node, "entityId", prefix, errors);
        Map<String, Object> attributes = attributes(node.get("attributes"), prefix + "attributes", errors);
        return errors.size() == before ? new ScoreRequest(eventId, entityId, attributes) : null;
    }

    /** Names each field of the object that is not one of {@code fields}. */
    static void unknownFields(JsonNode node, List<String> fields, String prefix, List<FieldError> errors) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!fields.contains(name)) {
                errors.add(new FieldError(prefix + name, "unknown field; expected " + String.join(", ", fields)));
            }
        }
    }

    private static String id(JsonNode node, String field, String prefix, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            errors.add(new FieldError(prefix + field, "is required"));
            return null;
        }
        if (!value.isTextual() || !Names.isId(value.textValue())) {
            errors.add(new FieldError(prefix + field, "must be a string of 1 to 128 letters, digits and . _ : @ -"));
            return null;
        }
        return value.textValue();
    }

    private static Map<String, Object> attributes(JsonNode node, String at, List<FieldError> errors) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return attributes;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(at, "must be an object of attribute values"));
            return attributes;
        }
        if (node.size() > MAX_ATTRIBUTES) {
            errors.add(new FieldError(at, "at most " + MAX_ATTRIBUTES + " attributes, got " + node.size()));
            return attributes;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = at + "." + field.getKey();
            JsonNode value = field.getValue();
            if (field.getKey().isBlank() || field.getKey().length() > 64) {
                errors.add(new FieldError(name, "attribute names are 1 to 64 characters, not blank"));
            } else if (value.isNull()) {
                attributes.put(field.getKey(), null);
            } else if (value.isBoolean()) {
                attributes.put(field.getKey(), value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                attributes.put(field.getKey(), value.longValue());
            } else if (value.isNumber()) {
                double d = value.doubleValue();
                if (!Double.isFinite(d)) {
                    errors.add(new FieldError(name, "must be a finite number"));
                } else {
                    attributes.put(field.getKey(), d);
                }
            } else if (value.isTextual()) {
                if (value.textValue().length() > MAX_STRING) {
                    errors.add(new FieldError(name, "strings are at most " + MAX_STRING + " characters"));
                } else {
                    attributes.put(field.getKey(), value.textValue());
                }
            } else {
                errors.add(new FieldError(name, "must be null, a boolean, a number or a string, not "
                        + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        return attributes;
    }
}
