package dev.brigade.serving.mapping;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;

/** The contract's scalar values (null, boolean, long, double, string) written as JSON, on the hot paths' generators. */
public final class JsonScalars {

    private JsonScalars() {
    }

    public static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof String s) {
            g.writeString(s);
        } else {
            g.writeObject(value);
        }
    }
}
