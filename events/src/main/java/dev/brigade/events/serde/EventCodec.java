package dev.brigade.events.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import dev.brigade.events.schema.EventCatalog;
import dev.brigade.events.schema.EventType;

/**
 * Avro single-object encoding (marker C3 01, 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema,
 * binary body) for one event type. Decoding resolves every writer schema in the type's history to the current
 * reader schema, so consumers keep reading what older producers wrote. Thread-safe.
 */
public final class EventCodec<T extends SpecificRecord> {

    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    /** Caps on what one corrupt length prefix may make Avro allocate; a Kafka record is far smaller anyway. */
    static final int MAX_LENGTH = 16 * 1024 * 1024;

    static {
        // Unless the operator set them, cap what Avro may allocate. Avro reads these properties once, when
        // SystemLimitException loads, which may have happened already (another library decoded Avro first): so
        // make it read them again. Without this a corrupt length can ask for gigabytes and kill the consumer.
        setDefault(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_LENGTH);
        setDefault(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_LENGTH);
        setDefault(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, 1_000_000);
        reloadAvroLimits();
    }

    private static final Map<Class<?>, EventCodec<?>> CODECS = new ConcurrentHashMap<>();

    private final EventType<T> eventType;
    private final byte[] header;
    private final SpecificDatumWriter<T> writer;
    private final Map<Long, SpecificDatumReader<T>> readers;

    private EventCodec(EventType<T> eventType, Collection<Schema> extraWriterSchemas) {
        this.eventType = eventType;
        // The generated class's own loader, not the thread context loader: see Quarkus issues 27057 and 36812.
        SpecificData model = new SpecificData(eventType.type().getClassLoader());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        this.header = header(eventType.fingerprint());
        this.writer = new SpecificDatumWriter<>(eventType.current(), model);
        Map<Long, SpecificDatumReader<T>> byFingerprint = new HashMap<>();
        List<Schema> writerSchemas = new ArrayList<>(eventType.history());
        writerSchemas.addAll(extraWriterSchemas);
        writerSchemas.add(eventType.current());
        for (Schema writerSchema : writerSchemas) {
            byFingerprint.put(EventType.fingerprint(writerSchema),
                    new SpecificDatumReader<>(writerSchema, eventType.current(), model));
        }
        this.readers = Map.copyOf(byFingerprint);
    }

    /** The shared codec of a catalogued event type. */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> EventCodec<T> of(Class<T> type) {
        return (EventCodec<T>) CODECS.computeIfAbsent(type, t -> new EventCodec<>(EventCatalog.of(type), List.of()));
    }

    /** A codec that also reads the given writer schemas; for tools and tests that hold schemas outside the history. */
    public static <T extends SpecificRecord> EventCodec<T> withWriterSchemas(Class<T> type, Collection<Schema> schemas) {
        return new EventCodec<>(EventCatalog.of(type), schemas);
    }

    public EventType<T> eventType() {
        return eventType;
    }

    public byte[] encode(T event) {
        // Each thread reuses its buffer and buffered encoder: a fresh stream and a direct encoder (a synchronized
        // write per field) were most of what a producer thread spent on a record.
        EncodeBuffer out = ENCODE_BUFFERS.get();
        out.reset();
        out.write(header, 0, header.length);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, out.encoder);
        out.encoder = encoder;
        boolean written = false;
        try {
            writer.write(event, encoder);
            encoder.flush();
            written = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            // A write that failed half-way leaves bytes in the encoder's buffer, which its next use would flush into
            // the next event; and an unusually large event does not pin its buffer to the thread.
            if (!written || out.capacity() > MAX_KEPT_BUFFER) {
                ENCODE_BUFFERS.remove();
            }
        }
        return out.toByteArray();
    }

    /** Buffers above this are dropped after use rather than kept per thread. */
    private static final int MAX_KEPT_BUFFER = 64 * 1024;

    private static final ThreadLocal<EncodeBuffer> ENCODE_BUFFERS = ThreadLocal.withInitial(EncodeBuffer::new);

    /** A thread's reusable output: the bytes so far and the encoder that writes into them. */
    private static final class EncodeBuffer extends ByteArrayOutputStream {
        BinaryEncoder encoder;

        EncodeBuffer() {
            super(512);
        }

        int capacity() {
            return buf.length;
        }
    }

    /**
     * @throws EventDecodingException for anything but a well-formed event of this type written with a known schema
     */
    public T decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH) {
            throw new EventDecodingException(EventDecodingException.Reason.TRUNCATED,
                    "too short for an Avro single-object record",
                    "expected at least " + HEADER_LENGTH + " bytes, got " + (bytes == null ? 0 : bytes.length), null);
        }
        if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new EventDecodingException(EventDecodingException.Reason.BAD_MARKER,
                    "not an Avro single-object record",
                    String.format("expected marker C3 01, got %02X %02X", bytes[0], bytes[1]), null);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw unknownWriter(fingerprint);
        }
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        T event;
        try {
            event = reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // Corrupt length prefixes surface as EOF, negative sizes or system limits (set above).
            throw new EventDecodingException(EventDecodingException.Reason.CORRUPT_BODY,
                    "body does not decode as " + eventType.name(), e.toString(), e);
        }
        if (!isEnd(decoder)) {
            throw new EventDecodingException(EventDecodingException.Reason.CORRUPT_BODY,
                    "body does not decode as " + eventType.name(), "trailing bytes after the record", null);
        }
        return event;
    }

    private static boolean isEnd(BinaryDecoder decoder) {
        try {
            return decoder.isEnd();
        } catch (IOException e) {
            return false;
        }
    }

    private EventDecodingException unknownWriter(long fingerprint) {
        String hex = HexFormat.of().toHexDigits(fingerprint);
        return EventCatalog.byWriterFingerprint(fingerprint)
                .map(other -> new EventDecodingException(EventDecodingException.Reason.WRONG_TYPE,
                        "a " + other.name() + " where a " + eventType.name() + " was expected",
                        "writer fingerprint " + hex + " belongs to " + other.name(), null))
                .orElseGet(() -> new EventDecodingException(EventDecodingException.Reason.UNKNOWN_SCHEMA,
                        "writer schema is not among the known " + eventType.name() + " schemas",
                        "fingerprint " + hex + " matches none of " + readers.size() + " known schemas", null));
    }

    static byte[] header(long fingerprint) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MARKER_0).put(MARKER_1).putLong(fingerprint);
        return buffer.array();
    }

    private static void reloadAvroLimits() {
        try {
            java.lang.reflect.Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(EventCodec.class).warn("Could not apply the Avro size limits ({}); "
                    + "set them as JVM system properties", e.toString());
        }
    }

    private static void setDefault(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
