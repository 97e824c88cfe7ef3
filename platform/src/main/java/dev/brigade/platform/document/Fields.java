package dev.brigade.platform.document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.events.text.Durations;
import dev.brigade.platform.http.FieldError;

/**
 * Reads a JSON tree field by field, collecting every missing or invalid field with its path instead of stopping
 * at the first, so one 422 names all of them. A required object that is absent reports each of its required
 * fields; unknown fields are refused, so a typo never passes silently.
 */
public final class Fields {

    private static final Pattern SENTENCE_BREAK = Pattern.compile("[.!?]\\s+\\p{Lu}");

    private final List<FieldError> errors = new ArrayList<>();

    public List<FieldError> errors() {
        return List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    public void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** The document root; a non-object document is one error. */
    public Obj root(JsonNode node) {
        if (node == null || !node.isObject()) {
            error("", "must be an object (a map of fields)");
            return new Obj("", null, false);
        }
        return new Obj("", node, true);
    }

    /** One object of the tree. When node is null, reads return null; they report missing fields if reportMissing. */
    public final class Obj {

        private final String path;
        private final JsonNode node;
        private final boolean reportMissing;
        private final Set<String> known = new HashSet<>();

        private Obj(String path, JsonNode node, boolean reportMissing) {
            this.path = path;
            this.node = node;
            this.reportMissing = reportMissing;
        }

        public boolean present() {
            return node != null;
        }

        public String path(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        private JsonNode raw(String name) {
            known.add(name);
            if (node == null) {
                return null;
            }
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        private void missing(String name, boolean required, String what) {
            if (required && reportMissing) {
                error(path(name), "required: " + what);
            }
        }

        public String ownPath() {
            return path;
        }

        /** Reports this object itself as missing (if it reports missing fields). */
        public void reportSelfMissing(String what) {
            if (node == null && reportMissing) {
                error(path, "required: " + what);
            }
        }

        /** Reports a required field as missing (if this object reports missing fields). */
        public void reportMissing(String name, String what) {
            missing(name, true, what);
        }

        public String text(String name, boolean required, String what) {
            JsonNode value = raw(name);
            if (value == null) {
                missing(name, required, what);
                return null;
            }
            if (!value.isTextual() && !value.isNumber()) {
                error(path(name), "must be text: " + what);
                return null;
            }
            String text = value.asText().trim();
            if (text.isEmpty()) {
                missing(name, required, what);
                return null;
            }
            return text;
        }

        /** One plain sentence: one line, at least four words, one sentence, at most 300 characters. */
        public String sentence(String name, String what) {
            String text = text(name, true, "one plain sentence: " + what);
            if (text == null) {
                return null;
            }
            if (text.contains("\n") || text.contains("\r")) {
                error(path(name), "must be one plain sentence on one line: " + what);
            } else if (text.split("\\s+").length < 4) {
                error(path(name), "must be a plain sentence of at least four words: " + what);
            } else if (text.length() > 300) {
                error(path(name), "must be one plain sentence of at most 300 characters: " + what);
            } else if (SENTENCE_BREAK.matcher(text).find()) {
                error(path(name), "must be one sentence, not several: " + what);
            } else {
                return text;
            }
            return null;
        }

        public Double number(String name, boolean required, String what, double min, boolean minExclusive,
                double max) {
            JsonNode value = raw(name);
            if (value == null) {
                missing(name, required, what);
                return null;
            }
            if (!value.isNumber()) {
                error(path(name), "must be a number: " + what);
                return null;
            }
            double number = value.asDouble();
            boolean tooLow = minExclusive ? number <= min : number < min;
            if (!Double.isFinite(number) || tooLow || number > max) {
                error(path(name), "must be " + (minExclusive ? "> " : ">= ") + fmt(min)
                        + (max < Double.MAX_VALUE ? " and <= " + fmt(max) : "") + ": " + what);
                return null;
            }
            return number;
        }

        public Long integer(String name, boolean required, String what, long min, long max) {
            JsonNode value = raw(name);
            if (value == null) {
                missing(name, required, what);
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                error(path(name), "must be a whole number: " + what);
                return null;
            }
            long number = value.asLong();
            if (number < min || number > max) {
                error(path(name), "must be between " + min + " and " + max + ": " + what);
                return null;
            }
            return number;
        }

        public Boolean bool(String name, boolean required, String what) {
            JsonNode value = raw(name);
            if (value == null) {
                missing(name, required, what);
                return null;
            }
            if (!value.isBoolean()) {
                error(path(name), "must be true or false: " + what);
                return null;
            }
            return value.asBoolean();
        }

        public <E extends Enum<E> & Wire> E choice(String name, Class<E> type, boolean required, String what) {
            String text = text(name, required, "one of " + Wire.choices(type) + ": " + what);
            if (text == null) {
                return null;
            }
            E value = Wire.parse(type, text);
            if (value == null) {
                error(path(name), "must be one of " + Wire.choices(type) + ", is \"" + text + "\"");
            }
            return value;
        }

        public Duration duration(String name, boolean required, String what) {
            String text = text(name, required, "a duration such as 10m, 6h or 30d: " + what);
            if (text == null) {
                return null;
            }
            try {
                Duration duration = Durations.parse(text);
                if (duration.isNegative() || duration.isZero()) {
                    error(path(name), "must be a positive duration: " + what);
                    return null;
                }
                return duration;
            } catch (IllegalArgumentException e) {
                error(path(name), e.getMessage());
                return null;
            }
        }

        public Obj object(String name, boolean required) {
            JsonNode value = raw(name);
            if (value == null) {
                return new Obj(path(name), null, required && reportMissing);
            }
            if (!value.isObject()) {
                error(path(name), "must be an object (a map of fields)");
                return new Obj(path(name), null, false);
            }
            return new Obj(path(name), value, true);
        }

        /** The elements of an array of objects; null when absent or invalid. */
        public List<Obj> objects(String name, boolean required, int minSize, String what) {
            JsonNode value = raw(name);
            if (value == null) {
                missing(name, required, "a list of at least " + minSize + ": " + what);
                return null;
            }
            if (!value.isArray()) {
                error(path(name), "must be a list: " + what);
                return null;
            }
            if (value.size() < minSize) {
                error(path(name), "must hold at least " + minSize + ": " + what);
                return null;
            }
            List<Obj> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                String at = path(name) + "[" + i + "]";
                if (item == null || !item.isObject()) {
                    error(at, "must be an object (a map of fields)");
                    items.add(new Obj(at, null, false));
                } else {
                    items.add(new Obj(at, item, true));
                }
            }
            return items;
        }

        public List<String> texts(String name, boolean required, int minSize, String what) {
            JsonNode value = raw(name);
            if (value == null) {
                missing(name, required, "a list of at least " + minSize + ": " + what);
                return null;
            }
            if (!value.isArray() || value.size() < minSize) {
                error(path(name), "must be a list of at least " + minSize + ": " + what);
                return null;
            }
            List<String> items = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (item == null || !item.isTextual() || item.asText().isBlank()) {
                    error(path(name) + "[" + i + "]", "must be non-blank text");
                    return null;
                }
                if (!seen.add(item.asText().trim())) {
                    error(path(name) + "[" + i + "]", "\"" + item.asText() + "\" is listed twice");
                    return null;
                }
                items.add(item.asText().trim());
            }
            return items;
        }

        public List<Double> numbers(String name, boolean required, int minSize, String what) {
            JsonNode value = raw(name);
            if (value == null) {
                missing(name, required, "a list of numbers: " + what);
                return null;
            }
            if (!value.isArray() || value.size() < minSize) {
                error(path(name), "must be a list of at least " + minSize + " numbers: " + what);
                return null;
            }
            List<Double> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (item == null || !item.isNumber() || !Double.isFinite(item.asDouble())) {
                    error(path(name) + "[" + i + "]", "must be a finite number");
                    return null;
                }
                items.add(item.asDouble());
            }
            return items;
        }

        /** The raw value of a field that may hold several JSON types; the caller checks it. */
        public JsonNode any(String name) {
            return raw(name);
        }

        /** Names of a free-form object's fields (maps such as metrics or hyperparameters). */
        public Iterator<String> fieldNames() {
            return node == null ? List.<String>of().iterator() : node.fieldNames();
        }

        public JsonNode node() {
            return node;
        }

        /** Refuses every field this reader did not ask for. */
        public void done() {
            if (node == null) {
                return;
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!known.contains(name)) {
                    error(path(name), "unknown field");
                }
            }
        }
    }

    public static String fmt(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
