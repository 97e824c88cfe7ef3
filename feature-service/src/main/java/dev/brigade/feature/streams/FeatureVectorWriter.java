package dev.brigade.feature.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.ScalarUnion;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.ValueStatus;
import dev.brigade.feature.mapping.EventMapper;

/**
 * A feature vector as the bytes {@link EventCodec} gives its FeatureVector (single-object encoding, the current
 * schema), written field by field without building the Avro object: generic Avro writing (a union resolution by
 * schema-name look-ups for every value) was a fifth of the stream thread. FeatureVectorWriterTest holds it
 * byte-equal to the codec, so a schema change fails that test instead of the wire; a value of a type outside the
 * union's mapping takes the codec's path.
 */
final class FeatureVectorWriter {

    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);
    /** Marker and schema fingerprint, taken from the codec itself. */
    private static final byte[] HEADER;
    private static final int[] STATUS_ORDINAL = new int[ValueStatus.values().length];

    static {
        FeatureVector sample = FeatureVector.newBuilder().setEventId("").setEntityId("").setEventTime(Instant.EPOCH)
                .setFeatureSet("").setFeatureSetVersion(0).setValues(Map.of()).setComputedAt(Instant.EPOCH).build();
        HEADER = Arrays.copyOf(VECTORS.encode(sample), 10);
        for (ValueStatus status : ValueStatus.values()) {
            STATUS_ORDINAL[status.ordinal()] = FeatureStatus.valueOf(status.name()).ordinal();
        }
    }

    private FeatureVectorWriter() {
    }

    static byte[] write(FeatureSetDefinition set, RawEvent event, Map<String, FeatureValue> features,
            Instant computedAt) {
        for (FeatureValue value : features.values()) {
            if (!ScalarUnion.writes(value.value())) {
                return VECTORS.encode(EventMapper.toFeatureVector(set, event, features, computedAt));
            }
        }
        List<String> slices = set.slices();
        for (int i = 0; i < slices.size(); i++) {
            if (slices.subList(0, i).contains(slices.get(i))) {
                // A slice named twice is one map entry there: leave that to the codec.
                return VECTORS.encode(EventMapper.toFeatureVector(set, event, features, computedAt));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + features.size() * 40);
        out.writeBytes(HEADER);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoder.writeString(event.getEventId());
            encoder.writeString(event.getEntityId());
            encoder.writeLong(event.getEventTime().toEpochMilli());
            encoder.writeString(set.name());
            encoder.writeInt(set.version());
            // The map calls GenericDatumWriter makes, so the blocks are the same.
            encoder.writeMapStart();
            encoder.setItemCount(features.size());
            for (Map.Entry<String, FeatureValue> feature : features.entrySet()) {
                encoder.startItem();
                encoder.writeString(feature.getKey());
                ScalarUnion.write(encoder, feature.getValue().value());
            }
            encoder.writeMapEnd();
            encoder.writeMapStart();
            encoder.setItemCount(features.size());
            for (Map.Entry<String, FeatureValue> feature : features.entrySet()) {
                encoder.startItem();
                encoder.writeString(feature.getKey());
                encoder.writeEnum(STATUS_ORDINAL[feature.getValue().status().ordinal()]);
            }
            encoder.writeMapEnd();
            writeSlices(encoder, slices, event.getAttributes());
            encoder.writeLong(computedAt.toEpochMilli());
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The slice attributes the event has, as strings (what EventMapper carries). */
    private static void writeSlices(BinaryEncoder encoder, List<String> slices, Map<String, Object> attributes)
            throws IOException {
        int present = 0;
        for (String slice : slices) {
            if (attributes.get(slice) != null) {
                present++;
            }
        }
        encoder.writeMapStart();
        encoder.setItemCount(present);
        for (String slice : slices) {
            Object value = attributes.get(slice);
            if (value != null) {
                encoder.startItem();
                encoder.writeString(slice);
                encoder.writeString(value.toString());
            }
        }
        encoder.writeMapEnd();
    }
}
