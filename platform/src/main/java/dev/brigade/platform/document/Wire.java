package dev.brigade.platform.document;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enums travel in specs and JSON as lower-case words with hyphens ("binary-classification", "new-data"). */
public interface Wire {

    String wire();

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant whose wire name is {@code text}, or null. */
    static <E extends Enum<E> & Wire> E parse(Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wire().equals(text)) {
                return constant;
            }
        }
        return null;
    }

    static <E extends Enum<E> & Wire> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Wire::wire).collect(Collectors.joining("|"));
    }
}
