package dev.brigade.feature;

import java.util.Locale;
import java.util.Optional;

/** How a feature is computed from the entity's earlier events (and, for some, the current event). */
public enum Aggregation {
    /** The current event's attribute, passed through. */
    ATTRIBUTE(false, true, false),
    COUNT(true, false, true),
    SUM(true, true, true),
    MEAN(true, true, false),
    MIN(true, true, false),
    MAX(true, true, false),
    /** The attribute of the latest earlier event in the window. */
    LAST(true, true, false),
    DISTINCT_COUNT(true, true, true),
    /** Seconds between the latest earlier event in the window and now. */
    TIME_SINCE_LAST(true, false, false),
    /** The current event's attribute divided by its mean over the window. */
    RATIO_TO_MEAN(true, true, false);

    private final boolean needsWindow;
    private final boolean needsAttribute;
    private final boolean definedOnEmptyWindow;

    Aggregation(boolean needsWindow, boolean needsAttribute, boolean definedOnEmptyWindow) {
        this.needsWindow = needsWindow;
        this.needsAttribute = needsAttribute;
        this.definedOnEmptyWindow = definedOnEmptyWindow;
    }

    public boolean needsWindow() {
        return needsWindow;
    }

    public boolean needsAttribute() {
        return needsAttribute;
    }

    /** Count, sum and distinct count are 0 over an empty window; the others fall back to the declared default. */
    public boolean definedOnEmptyWindow() {
        return definedOnEmptyWindow;
    }

    /** Reads the current event's attribute (attribute, ratio to mean). */
    public boolean usesCurrentEvent() {
        return this == ATTRIBUTE || this == RATIO_TO_MEAN;
    }

    public static Optional<Aggregation> parse(String text) {
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
