package dev.brigade.events.serde;

import java.io.IOException;

import org.apache.avro.io.Encoder;

/**
 * The contract's scalar value, the union {@code ["null", "boolean", "long", "double", "string"]} that attributes,
 * features and slices carry in seven of its schemas, written as {@link EventCodec} writes it. For writers that encode
 * a hot event field by field (the feature vector, the prediction log) instead of through Avro's generic writer.
 */
public final class ScalarUnion {

    private ScalarUnion() {
    }

    /** Whether {@link #write} takes the value: null, Boolean, Long, Double or String (others: the codec's path). */
    public static boolean writes(Object value) {
        return value == null || value instanceof Boolean || value instanceof Long || value instanceof Double
                || value instanceof String;
    }

    /**
     * Writes the union branch and the value.
     *
     * @throws IllegalArgumentException for a value {@link #writes} does not take
     */
    public static void write(Encoder encoder, Object value) throws IOException {
        if (value == null) {
            encoder.writeIndex(0);
            encoder.writeNull();
        } else if (value instanceof Boolean b) {
            encoder.writeIndex(1);
            encoder.writeBoolean(b);
        } else if (value instanceof Long l) {
            encoder.writeIndex(2);
            encoder.writeLong(l);
        } else if (value instanceof Double d) {
            encoder.writeIndex(3);
            encoder.writeDouble(d);
        } else if (value instanceof String s) {
            encoder.writeIndex(4);
            encoder.writeString(s);
        } else {
            throw new IllegalArgumentException("not a scalar of the contract's union: " + value.getClass().getName());
        }
    }
}
