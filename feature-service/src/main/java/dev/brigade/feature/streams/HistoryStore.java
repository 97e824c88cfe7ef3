package dev.brigade.feature.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.PastEvent;

/**
 * An entity's history kept one event per key: {@code entityId NUL time(16 hex digits) NUL eventId}. Keys sort by
 * entity, then time, then event id, so a prefix scan reads the history in order, and an update writes one small
 * record to the store and its changelog instead of the whole history again.
 *
 * <p>The value encoding is internal to this service (versioned, never Java serialization).
 */
public final class HistoryStore {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final byte FORMAT_V1 = 1;
    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;
    private static final byte STRING = 4;

    private HistoryStore() {
    }

    public static EntityHistory read(ReadOnlyKeyValueStore<String, byte[]> store, String entityId) {
        List<PastEvent> events = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix(entityId), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                events.add(decode(eventIdOf(entry.key), timeOf(entry.key), entry.value));
            }
        }
        return new EntityHistory(events);
    }

    public static void add(KeyValueStore<String, byte[]> store, String entityId, PastEvent event) {
        store.put(key(entityId, event), encode(event));
    }

    /** Removes the entity's events older than {@code cutoff}; they are in no window and can never be late-joined. */
    public static void pruneBefore(KeyValueStore<String, byte[]> store, String entityId, EntityHistory history,
            Instant cutoff) {
        for (PastEvent event : history.events()) {
            if (!event.time().isBefore(cutoff)) {
                return;
            }
            store.delete(key(entityId, event));
        }
    }

    static String prefix(String entityId) {
        return entityId + '\u0000';
    }

    static String key(String entityId, PastEvent event) {
        // The time as 16 lower-case hex digits (what %016x gives), without String.format's cost on every event.
        StringBuilder key = new StringBuilder(entityId.length() + 18 + event.eventId().length());
        key.append(entityId).append('\u0000');
        long millis = event.time().toEpochMilli();
        for (int shift = 60; shift >= 0; shift -= 4) {
            key.append(HEX[(int) (millis >>> shift) & 0xF]);
        }
        return key.append('\u0000').append(event.eventId()).toString();
    }

    private static Instant timeOf(String key) {
        int start = key.indexOf('\u0000') + 1;
        return Instant.ofEpochMilli(Long.parseUnsignedLong(key.substring(start, start + 16), 16));
    }

    private static String eventIdOf(String key) {
        return key.substring(key.indexOf('\u0000') + 18);
    }

    static byte[] encode(PastEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + event.attributes().size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_V1);
            out.writeShort(event.attributes().size());
            for (Map.Entry<String, Object> attribute : event.attributes().entrySet()) {
                out.writeUTF(attribute.getKey());
                Object value = attribute.getValue();
                if (value == null) {
                    out.writeByte(NULL);
                } else if (value instanceof Boolean b) {
                    out.writeByte(BOOLEAN);
                    out.writeBoolean(b);
                } else if (value instanceof Long || value instanceof Integer) {
                    out.writeByte(LONG);
                    out.writeLong(((Number) value).longValue());
                } else if (value instanceof Number n) {
                    out.writeByte(DOUBLE);
                    out.writeDouble(n.doubleValue());
                } else {
                    out.writeByte(STRING);
                    out.writeUTF(value.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PastEvent decode(String eventId, Instant time, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readByte() != FORMAT_V1) {
                throw new SerializationException("unknown history record format");
            }
            int attributes = in.readShort();
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < attributes; i++) {
                String name = in.readUTF();
                byte tag = in.readByte();
                values.put(name, switch (tag) {
                    case NULL -> null;
                    case BOOLEAN -> in.readBoolean();
                    case LONG -> in.readLong();
                    case DOUBLE -> in.readDouble();
                    case STRING -> in.readUTF();
                    default -> throw new IOException("unknown value tag " + tag);
                });
            }
            return new PastEvent(eventId, time, values);
        } catch (IOException e) {
            throw new SerializationException("corrupt history record of " + eventId, e);
        }
    }
}
