package dev.brigade.feature.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.errors.SerializationException;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.serde.EventCodec;

/**
 * What the label join knows about one event id: its feature vectors (one per feature-set version), its label if one
 * came, and which versions already became training examples. Events are kept in the contract's encoding.
 * <p>
 * Format 2 starts with what the sweep needs ({@link Timing}), so a sweep through the whole store reads a few bytes of
 * each state instead of decoding every vector and label in it: decoding them all was most of the service's
 * allocation at rest, and its GC pauses fell on the online look-ups. Format 1 (no such header) is still read.
 */
final class JoinState {

    private static final byte FORMAT_V1 = 1;
    private static final byte FORMAT_V2 = 2;
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);
    private static final EventCodec<LabelEvent> LABELS = EventCodec.of(LabelEvent.class);

    final List<FeatureVector> vectors = new ArrayList<>();
    final Set<String> emitted = new LinkedHashSet<>();
    LabelEvent label;
    /** Wall-clock arrival of the label, and where it was read, for the dead letter if it never joins. */
    long labelArrivedAt;
    int labelPartition = -1;
    long labelOffset = -1;

    static String versionOf(FeatureVector vector) {
        return vector.getFeatureSet() + "@" + vector.getFeatureSetVersion();
    }

    /** Keeps one vector per version: a recomputed vector replaces the older one. */
    void putVector(FeatureVector vector) {
        vectors.removeIf(v -> versionOf(v).equals(versionOf(vector)));
        vectors.add(vector);
    }

    /**
     * What the sweep decides on: whether vectors came and the event's time (the same in every version's vector),
     * whether a label waits and when it arrived.
     */
    record Timing(int vectors, long eventMillis, boolean labelled, long labelArrivedAt) {
    }

    /** The state's timing, from its header (format 2) or, for a format 1 state, from the whole state. */
    static Timing timing(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == FORMAT_V2) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
                return new Timing(in.readInt(), in.readLong(), in.readBoolean(), in.readLong());
            } catch (IOException e) {
                throw new SerializationException("corrupt join state", e);
            }
        }
        return decode(bytes).timing();
    }

    Timing timing() {
        return new Timing(vectors.size(), vectors.isEmpty() ? Long.MIN_VALUE
                : vectors.get(0).getEventTime().toEpochMilli(), label != null, label != null ? labelArrivedAt
                        : Long.MIN_VALUE);
    }

    static byte[] encode(JoinState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_V2);
            Timing timing = state.timing();
            out.writeInt(timing.vectors());
            out.writeLong(timing.eventMillis());
            out.writeBoolean(timing.labelled());
            out.writeLong(timing.labelArrivedAt());
            out.writeInt(state.vectors.size());
            for (FeatureVector vector : state.vectors) {
                writeBytes(out, VECTORS.encode(vector));
            }
            out.writeBoolean(state.label != null);
            if (state.label != null) {
                writeBytes(out, LABELS.encode(state.label));
                out.writeLong(state.labelArrivedAt);
                out.writeInt(state.labelPartition);
                out.writeLong(state.labelOffset);
            }
            out.writeInt(state.emitted.size());
            for (String version : state.emitted) {
                out.writeUTF(version);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static JoinState decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format == FORMAT_V2) {
                in.readInt(); // the header repeats what follows
                in.readLong();
                in.readBoolean();
                in.readLong();
            } else if (format != FORMAT_V1) {
                throw new SerializationException("unknown join-state format " + format);
            }
            JoinState state = new JoinState();
            int vectors = in.readInt();
            for (int i = 0; i < vectors; i++) {
                state.vectors.add(VECTORS.decode(readBytes(in)));
            }
            if (in.readBoolean()) {
                state.label = LABELS.decode(readBytes(in));
                state.labelArrivedAt = in.readLong();
                state.labelPartition = in.readInt();
                state.labelOffset = in.readLong();
            }
            int emitted = in.readInt();
            for (int i = 0; i < emitted; i++) {
                state.emitted.add(in.readUTF());
            }
            return state;
        } catch (IOException e) {
            throw new SerializationException("corrupt join state", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        return value;
    }
}
