package dev.brigade.events.serde;

import java.util.Collection;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro doubles and floats can carry NaN and the infinities, which decode fine and then poison every sum, mean and
 * comparison they reach. This names the first such field of a decoded event (e.g. {@code payload.value}), so the
 * consumer can dead-letter the record with a reason instead of folding it in.
 */
public final class FiniteNumbers {

    private FiniteNumbers() {
    }

    /** "path is NaN" for the first NaN or infinite number in the record, or null when every number is finite. */
    public static String firstNonFinite(IndexedRecord record) {
        return walk(record, "");
    }

    private static String walk(Object value, String path) {
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? path + " is " + d : null;
        }
        if (value instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? path + " is " + f : null;
        }
        if (value instanceof IndexedRecord record) {
            for (Schema.Field field : record.getSchema().getFields()) {
                String found = walk(record.get(field.pos()), path.isEmpty() ? field.name() : path + "." + field.name());
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                String found = walk(item, path + "[" + i++ + "]");
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String found = walk(entry.getValue(), path + "[" + entry.getKey() + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The reason a dead letter carries for such a record, e.g. "DriftEvent field payload.value is NaN: ...". */
    public static String reason(IndexedRecord record, String found) {
        return record.getSchema().getName() + " field " + found + ": only finite numbers are accepted";
    }
}
