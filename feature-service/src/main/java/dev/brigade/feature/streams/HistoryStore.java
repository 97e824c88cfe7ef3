package dev.brigade.feature.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.HistoryLayout;

/**
 * An entity's history kept one event per key: {@code entityId NUL time(16 hex digits) NUL eventId}. Keys sort by
 * entity, then time, then event id, so a prefix scan reads the history in order, and an update writes one small
 * record to the store and its changelog instead of the whole history again.
 *
 * <p>The value is internal to this service (never Java serialization): a format byte, then the event's attributes
 * as name and tagged value. Format 1 is the only one; another format byte fails the read naming the record, so a
 * changelog from a newer service version is refused, never misread. Only the attributes the version's features
 * read from the past ({@link HistoryLayout#kept()}) are stored (a version's features never change); a record with
 * more (as stores written before that was so hold) reads the same, the others skipped.
 */
public final class HistoryStore {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    static final byte FORMAT_V1 = 1;
    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;
    private static final byte STRING = 4;

    private HistoryStore() {
    }

    public static EntityHistory read(ReadOnlyKeyValueStore<String, byte[]> store, String entityId,
            HistoryLayout layout) {
        EntityHistory.Builder history = new EntityHistory.Builder(layout, 16);
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix(entityId), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                String eventId = eventIdOf(entry.key);
                history.event(eventId, timeOf(entry.key));
                decode(eventId, entry.value, history);
            }
        }
        return history.build();
    }

    /** Stores the event with the attributes the layout keeps. */
    public static void add(KeyValueStore<String, byte[]> store, String entityId, String eventId, Instant time,
            Map<String, Object> attributes, HistoryLayout layout) {
        store.put(key(entityId, time.toEpochMilli(), eventId), encode(attributes, layout.kept()));
    }

    /**
     * Removes the entity's events older than {@code cutoff}; they are in no window and can never be late-joined.
     * A null put, not {@code delete}: delete reads the old value back from RocksDB to return it, which was an eighth of
     * the stream thread's time once every event also pruned one (feature bench, 2026-11-27); both write the same
     * tombstone to the store and its changelog.
     */
    public static void pruneBefore(KeyValueStore<String, byte[]> store, String entityId, EntityHistory history,
            Instant cutoff) {
        long cut = cutoff.toEpochMilli();
        for (int i = 0; i < history.size() && history.time(i) < cut; i++) {
            store.put(key(entityId, history.time(i), history.eventId(i)), null);
        }
    }

    static String prefix(String entityId) {
        return entityId + '\u0000';
    }

    static String key(String entityId, long millis, String eventId) {
        // The time as 16 lower-case hex digits (what %016x gives), without String.format's cost on every event.
        StringBuilder key = new StringBuilder(entityId.length() + 18 + eventId.length());
        key.append(entityId).append('\u0000');
        for (int shift = 60; shift >= 0; shift -= 4) {
            key.append(HEX[(int) (millis >>> shift) & 0xF]);
        }
        return key.append('\u0000').append(eventId).toString();
    }

    private static long timeOf(String key) {
        int start = key.indexOf('\u0000') + 1;
        return Long.parseUnsignedLong(key, start, start + 16, 16);
    }

    private static String eventIdOf(String key) {
        return key.substring(key.indexOf('\u0000') + 18);
    }

    static byte[] encode(Map<String, Object> attributes, Set<String> kept) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + kept.size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_V1);
            int count = 0;
            for (String name : attributes.keySet()) {
                if (kept.contains(name)) {
                    count++;
                }
            }
            out.writeShort(count);
            for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
                if (!kept.contains(attribute.getKey())) {
                    continue;
                }
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

    /** Adds the record's attributes to the builder's current event. */
    static void decode(String eventId, byte[] bytes, EntityHistory.Builder into) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT_V1) {
                throw new SerializationException("history record of " + eventId + " has format " + format
                        + "; this version reads format " + FORMAT_V1 + " only (state written by a newer version?)");
            }
            int attributes = in.readShort();
            for (int i = 0; i < attributes; i++) {
                String name = in.readUTF();
                byte tag = in.readByte();
                into.attribute(name, switch (tag) {
                    case NULL -> null;
                    case BOOLEAN -> in.readBoolean();
                    case LONG -> in.readLong();
                    case DOUBLE -> in.readDouble();
                    case STRING -> in.readUTF();
                    default -> throw new IOException("unknown value tag " + tag);
                });
            }
        } catch (IOException e) {
            throw new SerializationException("corrupt history record of " + eventId, e);
        }
    }
}
