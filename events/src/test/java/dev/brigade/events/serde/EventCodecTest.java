package dev.brigade.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParser;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.SampleEvents;
import dev.brigade.events.serde.EventDecodingException.Reason;

class EventCodecTest {

    static List<SpecificRecord> samples() {
        return SampleEvents.oneOfEach();
    }

    @ParameterizedTest
    @MethodSource("samples")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyEventTypeAndPayloadSurvivesARoundTrip(SpecificRecord event) {
        // Given the codec of the event's type
        EventCodec codec = EventCodec.of(event.getClass());

        // When it is encoded and decoded
        byte[] bytes = codec.encode(event);
        Object decoded = codec.decode(bytes);

        // Then it is equal, and the bytes carry the single-object header with the current fingerprint
        assertThat(decoded).isEqualTo(event);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(Arrays.copyOfRange(bytes, 0, 10)).isEqualTo(EventCodec.header(codec.eventType().fingerprint()));
    }

    @Test
    void aWriteThatFailsHalfWayLeavesNothingBehindForTheNextEvent() {
        // Given an event whose encoding fails part-way (a required field left null, past fields already written)
        RawEvent good = SampleEvents.oneOfEach().stream().filter(RawEvent.class::isInstance).map(RawEvent.class::cast)
                .findFirst().orElseThrow();
        byte[] expected = EventCodec.of(RawEvent.class).encode(good);
        RawEvent broken = RawEvent.newBuilder(good).build();
        broken.put("attributes", null);
        assertThatThrownBy(() -> EventCodec.of(RawEvent.class).encode(broken)).isInstanceOf(RuntimeException.class);

        // When the same thread encodes a good event next, Then its bytes are those of a clean encoding
        assertThat(EventCodec.of(RawEvent.class).encode(good)).isEqualTo(expected);
    }

    @Test
    void resolvesARecordWrittenWithAnOlderSchemaItKnows() throws Exception {
        // Given an older LabelEvent schema, before the optional useCase field existed, and a record written with it
        Schema older = new SchemaParser().parse("""
                {"type":"record","name":"LabelEvent","namespace":"dev.brigade.events","fields":[
                  {"name":"eventId","type":"string"},
                  {"name":"entityId","type":"string"},
                  {"name":"label","type":"double"},
                  {"name":"labelTime","type":{"type":"long","logicalType":"timestamp-millis"}}]}""").mainSchema();
        GenericRecord old = new GenericData.Record(older);
        old.put("eventId", "evt-9");
        old.put("entityId", "card-1");
        old.put("label", 1.0);
        old.put("labelTime", 1_700_000_000_000L);
        byte[] bytes = encodeGeneric(older, old);

        // When a codec that knows the older schema decodes it
        LabelEvent decoded = EventCodec.withWriterSchemas(LabelEvent.class, List.of(older)).decode(bytes);

        // Then the new field takes its default and the rest is intact
        assertThat(decoded.getEventId()).isEqualTo("evt-9");
        assertThat(decoded.getLabelTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(decoded.getUseCase()).isNull();

        // And the shared codec, which does not know that schema, refuses it with a typed reason
        assertThat(catchThrowableOfType(EventDecodingException.class, () -> EventCodec.of(LabelEvent.class).decode(bytes))
                .reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
    }

    @Test
    void rejectsAnEventOfAnotherTypeNamingBoth() {
        // Given a LabelEvent's bytes
        byte[] label = EventCodec.of(LabelEvent.class).encode((LabelEvent) SampleEvents.oneOfEach().get(1));

        // When they are read as a RawEvent, Then the error says which type it was
        EventDecodingException e = catchThrowableOfType(EventDecodingException.class,
                () -> EventCodec.of(RawEvent.class).decode(label));
        assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(e).hasMessageContaining("LabelEvent").hasMessageContaining("RawEvent");
    }

    @Test
    void rejectsBadHeadersAndCorruptBodiesWithTypedReasons() {
        EventCodec<RawEvent> codec = EventCodec.of(RawEvent.class);
        byte[] good = codec.encode(SampleEvents.rawEvent("evt-1"));

        byte[] badMarker = good.clone();
        badMarker[0] = '{';
        byte[] unknownFingerprint = good.clone();
        unknownFingerprint[5] ^= 0x5A;
        byte[] truncatedBody = Arrays.copyOf(good, good.length - 7);
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        byte[] hugeLength = Arrays.copyOf(good, good.length);
        hugeLength[10] = (byte) 0xFE; // zig-zag varint of the first string's length: now claims gigabytes
        hugeLength[11] = (byte) 0xFF;
        hugeLength[12] = (byte) 0xFF;
        hugeLength[13] = (byte) 0xFF;
        hugeLength[14] = (byte) 0x0F;

        assertReason(codec, new byte[0], Reason.TRUNCATED);
        assertReason(codec, Arrays.copyOf(good, 9), Reason.TRUNCATED);
        assertReason(codec, badMarker, Reason.BAD_MARKER);
        assertReason(codec, unknownFingerprint, Reason.UNKNOWN_SCHEMA);
        assertReason(codec, truncatedBody, Reason.CORRUPT_BODY);
        assertReason(codec, trailing, Reason.CORRUPT_BODY);
        assertReason(codec, hugeLength, Reason.CORRUPT_BODY);
    }

    @Test
    void randomBytesBehindAValidHeaderNeverEscapeAsAnythingButTheTypedException() {
        // Given the RawEvent header followed by random garbage, many times
        EventCodec<RawEvent> codec = EventCodec.of(RawEvent.class);
        byte[] header = EventCodec.header(codec.eventType().fingerprint());
        Random random = new Random(7);
        int decodedByLuck = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = Arrays.copyOf(header, header.length + random.nextInt(64));
            for (int j = header.length; j < bytes.length; j++) {
                bytes[j] = (byte) random.nextInt(256);
            }
            // When decoded, Then it either decodes or fails with EventDecodingException, nothing else
            try {
                codec.decode(bytes);
                decodedByLuck++;
            } catch (EventDecodingException expected) {
                assertThat(expected.reason()).isEqualTo(Reason.CORRUPT_BODY);
            }
        }
        assertThat(decodedByLuck).isLessThan(5_000);
    }

    @Test
    void deserializerConfiguredByNameReadsItsTypeAndLeavesTombstonesNull() {
        // Given a deserializer created the way Kafka and SmallRye do: by class name plus a config map
        AvroEventDeserializer<RawEvent> deserializer = new AvroEventDeserializer<>();
        deserializer.configure(Map.of(AvroEventDeserializer.VALUE_TYPE_CONFIG, RawEvent.class.getName()), false);
        RawEvent event = SampleEvents.rawEvent("evt-3");

        // When it reads serializer output and a tombstone
        byte[] bytes = new AvroEventSerializer<RawEvent>().serialize("raw-events", event);

        // Then
        assertThat(deserializer.deserialize("raw-events", bytes)).isEqualTo(event);
        assertThat(deserializer.deserialize("raw-events", null)).isNull();
    }

    @Test
    void deserializerRefusesAConfigurationWithoutAContractType() {
        AvroEventDeserializer<RawEvent> deserializer = new AvroEventDeserializer<>();
        assertThatThrownBy(() -> deserializer.configure(Map.of(), false))
                .hasMessageContaining(AvroEventDeserializer.VALUE_TYPE_CONFIG);
        assertThatThrownBy(() -> deserializer.configure(Map.of(AvroEventDeserializer.VALUE_TYPE_CONFIG, "java.lang.String"), false))
                .hasMessageContaining("not an event type");
    }

    private static void assertReason(EventCodec<RawEvent> codec, byte[] bytes, Reason reason) {
        EventDecodingException e = catchThrowableOfType(EventDecodingException.class, () -> codec.decode(bytes));
        assertThat(e).as("decoding %d bytes", bytes.length).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        // Dead-letter records carry the cause's message next to the reason: it must never be empty.
        assertThat(e.getCause()).isNotNull();
        assertThat(e.getCause().getMessage()).isNotBlank();
    }

    private static byte[] encodeGeneric(Schema schema, GenericRecord record) {
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record).array();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
