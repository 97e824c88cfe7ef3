package dev.brigade.feature.mapping;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.feature.RawEventRules;
import dev.brigade.platform.http.FieldError;

/**
 * JSON intake for producers that do not speak Avro: each item becomes the contract's event or a list of problems,
 * each naming its field. Types are checked here (JSON has no schema); content rules are {@link RawEventRules}.
 */
public final class JsonEvents {

    /** One item's outcome: an event, or its problems. */
    public record Parsed<T>(Optional<T> event, List<FieldError> errors) {
    }

    private JsonEvents() {
    }

    public static Parsed<RawEvent> rawEvent(JsonNode item, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (item == null || !item.isObject()) {
            return new Parsed<>(Optional.empty(), List.of(new FieldError("$", "must be a JSON object")));
        }
        String eventId = string(item, "eventId", errors);
        String source = string(item, "source", errors);
        String entityId = string(item, "entityId", errors);
        Instant eventTime = instant(item, "eventTime", errors, null);
        Map<String, Object> attributes = attributes(item.get("attributes"), "attributes", errors);
        if (errors.isEmpty()) {
            errors.addAll(RawEventRules.check(eventId, source, entityId, eventTime, attributes, now));
        }
        if (!errors.isEmpty()) {
            return new Parsed<>(Optional.empty(), errors);
        }
        return new Parsed<>(Optional.of(RawEvent.newBuilder().setEventId(eventId).setSource(source)
                .setEntityId(entityId).setEventTime(eventTime).setAttributes(attributes).build()), errors);
    }

    public static Parsed<LabelEvent> label(JsonNode item, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (item == null || !item.isObject()) {
            return new Parsed<>(Optional.empty(), List.of(new FieldError("$", "must be a JSON object")));
        }
        String eventId = string(item, "eventId", errors);
        String entityId = string(item, "entityId", errors);
        Double label = null;
        JsonNode labelNode = item.get("label");
        if (labelNode == null || labelNode.isNull()) {
            errors.add(new FieldError("label", "is required"));
        } else if (labelNode.isBoolean()) {
            label = labelNode.booleanValue() ? 1.0 : 0.0;
        } else if (labelNode.isNumber() && Double.isFinite(labelNode.doubleValue())) {
            label = labelNode.doubleValue();
        } else {
            errors.add(new FieldError("label", "must be a finite number (or true/false for a binary label)"));
        }
        Instant labelTime = instant(item, "labelTime", errors, now);
        String useCase = optionalString(item, "useCase", errors);
        checkId("eventId", eventId, errors);
        checkId("entityId", entityId, errors);
        if (labelTime != null && labelTime.isAfter(now.plus(RawEventRules.MAX_FUTURE_SKEW))) {
            errors.add(new FieldError("labelTime", "is in the future"));
        }
        if (!errors.isEmpty()) {
            return new Parsed<>(Optional.empty(), errors);
        }
        return new Parsed<>(Optional.of(LabelEvent.newBuilder().setEventId(eventId).setEntityId(entityId)
                .setLabel(label).setLabelTime(labelTime).setUseCase(useCase).build()), errors);
    }

    /** A JSON object of scalars; nested objects and arrays are refused by name. */
    public static Map<String, Object> attributes(JsonNode node, String at, List<FieldError> errors) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return attributes;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(at, "must be an object of attribute values"));
            return attributes;
        }
        if (node.size() > RawEventRules.MAX_ATTRIBUTES) {
            errors.add(new FieldError(at, "at most " + RawEventRules.MAX_ATTRIBUTES + " attributes, got "
                    + node.size()));
            return attributes;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            String name = at + "." + field.getKey();
            if (value.isNull()) {
                attributes.put(field.getKey(), null);
            } else if (value.isBoolean()) {
                attributes.put(field.getKey(), value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                attributes.put(field.getKey(), value.longValue());
            } else if (value.isNumber()) {
                attributes.put(field.getKey(), value.doubleValue());
            } else if (value.isTextual()) {
                attributes.put(field.getKey(), value.textValue());
            } else {
                errors.add(new FieldError(name, "must be null, a boolean, a number or a string, not "
                        + value.getNodeType().name().toLowerCase()));
            }
        }
        return attributes;
    }

    private static String string(JsonNode item, String field, List<FieldError> errors) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return value.textValue();
    }

    private static String optionalString(JsonNode item, String field, List<FieldError> errors) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || !FeatureSetParser.SET_NAME.matcher(value.textValue()).matches()) {
            errors.add(new FieldError(field, "must match " + FeatureSetParser.SET_NAME.pattern()));
            return null;
        }
        return value.textValue();
    }

    private static void checkId(String field, String value, List<FieldError> errors) {
        if (value != null && !RawEventRules.isId(value)) {
            errors.add(new FieldError(field, "must be 1 to 128 of letters, digits and . _ : @ -"));
        }
    }

    /** An ISO-8601 instant or epoch milliseconds. */
    public static Instant instant(JsonNode item, String field, List<FieldError> errors, Instant fallback) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                errors.add(new FieldError(field, "is required: an ISO-8601 instant or epoch milliseconds"));
            }
            return fallback;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Instant.ofEpochMilli(value.longValue());
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.textValue());
            } catch (DateTimeParseException e) {
                // falls through to the error below
            }
        }
        errors.add(new FieldError(field, "must be an ISO-8601 instant (2026-11-26T08:00:00Z) or epoch milliseconds"));
        return null;
    }
}
