package dev.brigade.serving;

import java.util.regex.Pattern;

/**
 * The names serving accepts, on every path in: ids follow the feature-service's rule (1 to 128 of letters, digits and
 * . _ : @ -), use-case names the registry's.
 */
public final class Names {

    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    public static final Pattern USE_CASE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private Names() {
    }

    /**
     * {@link #ID} without the regex engine: two ids are checked on every scored request, and the matcher was about
     * a microsecond of a request's CPU. {@code NamesTest} holds both to the same answers.
     */
    public static boolean isId(String text) {
        int n = text == null ? 0 : text.length();
        if (n < 1 || n > 128 || !letterOrDigit(text.charAt(0), true)) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = text.charAt(i);
            if (!letterOrDigit(c, true) && c != '.' && c != '_' && c != ':' && c != '@' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** {@link #USE_CASE} without the regex engine (checked on every scored request). */
    public static boolean isUseCase(String text) {
        int n = text == null ? 0 : text.length();
        if (n < 1 || n > 63 || !letterOrDigit(text.charAt(0), false)) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = text.charAt(i);
            if (!letterOrDigit(c, false) && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c, boolean upper) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upper && c >= 'A' && c <= 'Z');
    }
}
