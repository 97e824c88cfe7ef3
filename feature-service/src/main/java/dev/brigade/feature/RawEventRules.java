package dev.brigade.feature;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.brigade.platform.http.FieldError;

/**
 * What a raw event must look like before it may shape anyone's features, whichever way it arrived (JSON intake or
 * Avro on the topic). Bounds keep one producer's mistake from bloating every entity's state.
 */
public final class RawEventRules {

    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_ATTRIBUTE_NAME = 64;
    public static final int MAX_STRING_VALUE = 1024;
    /** Clocks drift; an event from further ahead than this is a bug, and would make every later event "late". */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    private RawEventRules() {
    }

    /** Checks of an event's own content; the caller adds its field prefix (e.g. {@code events[3].}). */
    public static List<FieldError> check(String eventId, String source, String entityId, Instant eventTime,
            Map<String, Object> attributes, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        id("eventId", eventId, errors);
        id("source", source, errors);
        id("entityId", entityId, errors);
        if (eventTime == null) {
            errors.add(new FieldError("eventTime", "is required"));
        } else if (eventTime.isBefore(EARLIEST)) {
            errors.add(new FieldError("eventTime", "is before " + EARLIEST));
        } else if (eventTime.isAfter(now.plus(MAX_FUTURE_SKEW))) {
            errors.add(new FieldError("eventTime", "is more than " + MAX_FUTURE_SKEW.toMinutes()
                    + " minutes in the future"));
        }
        attributes(attributes, errors);
        return errors;
    }

    private static void attributes(Map<String, Object> attributes, List<FieldError> errors) {
        if (attributes == null) {
            return;
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            errors.add(new FieldError("attributes", "at most " + MAX_ATTRIBUTES + ", got " + attributes.size()));
            return;
        }
        attributes.forEach((name, value) -> {
            if (name.isBlank() || name.length() > MAX_ATTRIBUTE_NAME) {
                errors.add(new FieldError("attributes", "attribute names are 1 to " + MAX_ATTRIBUTE_NAME
                        + " characters"));
            } else if (value instanceof Double d && !Double.isFinite(d)) {
                errors.add(new FieldError("attributes." + name, "must be a finite number, got " + d));
            } else if (value instanceof Float f && !Float.isFinite(f)) {
                errors.add(new FieldError("attributes." + name, "must be a finite number, got " + f));
            } else if (value instanceof String s && s.length() > MAX_STRING_VALUE) {
                errors.add(new FieldError("attributes." + name, "at most " + MAX_STRING_VALUE + " characters"));
            } else if (value != null && !(value instanceof String || value instanceof Boolean
                    || value instanceof Long || value instanceof Integer || value instanceof Double)) {
                errors.add(new FieldError("attributes." + name, "must be null, a boolean, a number or a string"));
            }
        });
    }

    /**
     * Whether the value matches {@link #ID}, checked by hand: this runs for every event and label on the stream
     * threads, where the regex engine was a visible share of the time.
     */
    public static boolean isId(String value) {
        int length = value.length();
        if (length == 0 || length > 128 || !isLetterOrDigit(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '@' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static void id(String field, String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!isId(value)) {
            errors.add(new FieldError(field, "must be 1 to 128 of letters, digits and . _ : @ - (starting with a "
                    + "letter or digit)"));
        }
    }
}
