package dev.brigade.events.schema;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;

/**
 * One top-level event type of the contract: its generated class, its current schema and every schema it was
 * ever published with (oldest first). Readers use the history to resolve records written by older producers.
 */
public record EventType<T extends SpecificRecord>(Class<T> type, Schema current, List<Schema> history) {

    public EventType {
        history = List.copyOf(history);
    }

    public String name() {
        return current.getName();
    }

    public long fingerprint() {
        return fingerprint(current);
    }

    /** CRC-64-AVRO of the parsing canonical form, as written in the single-object encoding header. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
