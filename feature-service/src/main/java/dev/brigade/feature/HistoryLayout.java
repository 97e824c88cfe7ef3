package dev.brigade.feature;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which event attributes a feature set reads from an entity's past, and in which column of an {@link EntityHistory}
 * each feature finds them: numeric aggregations (sum, mean, min, max, ratio to mean) read a primitive column, the
 * others that look at past values (last, distinct count) a column of values. Attributes no feature reads from the
 * past are not kept at all.
 */
public final class HistoryLayout {

    private final String[] numeric;
    private final String[] values;
    private final Set<String> kept;
    /** Per feature (by position in the set): its column, or -1. */
    private final int[] numericColumn;
    private final int[] valueColumn;

    private HistoryLayout(List<FeatureDefinition> features) {
        List<String> numericNames = new ArrayList<>();
        List<String> valueNames = new ArrayList<>();
        numericColumn = new int[features.size()];
        valueColumn = new int[features.size()];
        for (int i = 0; i < features.size(); i++) {
            FeatureDefinition f = features.get(i);
            numericColumn[i] = -1;
            valueColumn[i] = -1;
            if (!f.aggregation().needsWindow() || f.attribute().isEmpty()) {
                continue;
            }
            String attribute = f.attribute().get();
            switch (f.aggregation()) {
                case SUM, MEAN, MIN, MAX, RATIO_TO_MEAN -> numericColumn[i] = indexOf(numericNames, attribute);
                case LAST, DISTINCT_COUNT -> valueColumn[i] = indexOf(valueNames, attribute);
                default -> {
                    // count and time since last read only the event times
                }
            }
        }
        numeric = numericNames.toArray(String[]::new);
        values = valueNames.toArray(String[]::new);
        Set<String> all = new LinkedHashSet<>(numericNames);
        all.addAll(valueNames);
        kept = Set.copyOf(all);
    }

    public static HistoryLayout of(FeatureSetDefinition set) {
        return new HistoryLayout(set.features());
    }

    private static int indexOf(List<String> names, String name) {
        int at = names.indexOf(name);
        if (at < 0) {
            names.add(name);
            at = names.size() - 1;
        }
        return at;
    }

    /** The attributes an entity's history keeps (what the state store stores per past event). */
    public Set<String> kept() {
        return kept;
    }

    public int numericColumns() {
        return numeric.length;
    }

    public int valueColumns() {
        return values.length;
    }

    public String numericName(int column) {
        return numeric[column];
    }

    public String valueName(int column) {
        return values[column];
    }

    /** The numeric column of the set's feature at {@code feature}, or -1. */
    public int numericColumnOf(int feature) {
        return numericColumn[feature];
    }

    /** The value column of the set's feature at {@code feature}, or -1. */
    public int valueColumnOf(int feature) {
        return valueColumn[feature];
    }

    int numericColumn(String attribute) {
        for (int i = 0; i < numeric.length; i++) {
            if (numeric[i].equals(attribute)) {
                return i;
            }
        }
        return -1;
    }

    int valueColumn(String attribute) {
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(attribute)) {
                return i;
            }
        }
        return -1;
    }
}
