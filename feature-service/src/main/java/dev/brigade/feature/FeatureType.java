package dev.brigade.feature;

import java.util.Locale;
import java.util.Optional;

/** The value type of a feature, as declared in the feature set. */
public enum FeatureType {
    BOOLEAN, LONG, DOUBLE, STRING;

    public static Optional<FeatureType> parse(String text) {
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The value as this type, or empty when it does not fit (a string for a number, a fraction for a long). */
    public Optional<Object> coerce(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (this) {
            case BOOLEAN -> value instanceof Boolean b ? Optional.of(b) : Optional.empty();
            case STRING -> value instanceof String s ? Optional.of(s) : Optional.empty();
            case DOUBLE -> value instanceof Number n && Double.isFinite(n.doubleValue())
                    ? Optional.of(n.doubleValue()) : Optional.empty();
            case LONG -> {
                if (value instanceof Long || value instanceof Integer) {
                    yield Optional.of(((Number) value).longValue());
                }
                if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        && Double.isFinite(n.doubleValue())) {
                    yield Optional.of(n.longValue());
                }
                yield Optional.empty();
            }
        };
    }

    public String lowerCase() {
        return name().toLowerCase(Locale.ROOT);
    }
}
