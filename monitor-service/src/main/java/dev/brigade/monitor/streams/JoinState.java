package dev.brigade.monitor.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.brigade.monitor.Observation;
import dev.brigade.monitor.mapping.ObservationCodec;

/**
 * What the join stage keeps per event id: the predictions served for it (several variants may score one event),
 * each with what a late label needs (score, cost features) and, until the offline vector arrived, the features as
 * served. Binary, bounded, never Java serialization.
 */
final class JoinState {

    record Served(String predictionId, String useCase, int version, String variant, double score, long servedAt,
            long arrivedAt, boolean labelled, boolean skewChecked, Map<String, Double> costValues,
            Observation.Served features, Map<String, String> slices) {

        Served {
            slices = slices == null ? Map.of() : slices;
        }

        Served(String predictionId, String useCase, int version, String variant, double score, long servedAt,
                long arrivedAt, boolean labelled, boolean skewChecked, Map<String, Double> costValues,
                Observation.Served features) {
            this(predictionId, useCase, version, variant, score, servedAt, arrivedAt, labelled, skewChecked,
                    costValues, features, Map.of());
        }

        // The served features are kept until both the skew check and the label are done: the label needs them for
        // the costliest-errors list (keepForLabel), the skew check to compare. Then they go, to bound the state.
        Served asLabelled() {
            return new Served(predictionId, useCase, version, variant, score, servedAt, arrivedAt, true, skewChecked,
                    costValues, skewChecked ? null : features, slices);
        }

        Served asSkewChecked(boolean keepForLabel, Map<String, String> vectorSlices) {
            return new Served(predictionId, useCase, version, variant, score, servedAt, arrivedAt, labelled, true,
                    costValues, keepForLabel && !labelled ? features : null, vectorSlices);
        }
    }

    record Label(double label, long labelTime, long arrivedAt) {
    }

    private JoinState() {
    }

    static byte[] encode(List<Served> served) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(served.size());
            for (Served s : served) {
                out.writeUTF(s.predictionId());
                out.writeUTF(s.useCase());
                out.writeInt(s.version());
                out.writeUTF(s.variant());
                out.writeDouble(s.score());
                out.writeLong(s.servedAt());
                out.writeLong(s.arrivedAt());
                out.writeBoolean(s.labelled());
                out.writeBoolean(s.skewChecked());
                ObservationCodec.writeMap(out, s.costValues(), DataOutputStream::writeDouble);
                byte[] features = s.features() == null ? new byte[0] : ObservationCodec.encode(s.features());
                out.writeInt(features.length);
                out.write(features);
            }
            // A trailing section, absent in state written before it: the slices of each prediction's event.
            for (Served s : served) {
                ObservationCodec.writeMap(out, s.slices(), DataOutputStream::writeUTF);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Served> decode(byte[] data) {
        List<Served> out = new ArrayList<>();
        if (data == null) {
            return out;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                String useCase = in.readUTF();
                int version = in.readInt();
                String variant = in.readUTF();
                double score = in.readDouble();
                long servedAt = in.readLong();
                long arrivedAt = in.readLong();
                boolean labelled = in.readBoolean();
                boolean skew = in.readBoolean();
                Map<String, Double> cost = ObservationCodec.readMap(in, DataInputStream::readDouble);
                int len = in.readInt();
                Observation.Served features = null;
                if (len > 0) {
                    byte[] f = new byte[len];
                    in.readFully(f);
                    features = (Observation.Served) ObservationCodec.decode(f);
                }
                out.add(new Served(id, useCase, version, variant, score, servedAt, arrivedAt, labelled, skew, cost,
                        features));
            }
            if (in.available() > 0) {
                for (int i = 0; i < n; i++) {
                    Map<String, String> slices = ObservationCodec.readMap(in, DataInput::readUTF);
                    Served s = out.get(i);
                    out.set(i, new Served(s.predictionId(), s.useCase(), s.version(), s.variant(), s.score(),
                            s.servedAt(), s.arrivedAt(), s.labelled(), s.skewChecked(), s.costValues(), s.features(),
                            slices));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(Label label) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24);
        b.putDouble(label.label()).putLong(label.labelTime()).putLong(label.arrivedAt());
        return b.array();
    }

    static Label decodeLabel(byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
        return new Label(b.getDouble(), b.getLong(), b.getLong());
    }
}
