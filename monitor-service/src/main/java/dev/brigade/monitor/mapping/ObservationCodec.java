package dev.brigade.monitor.mapping;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.brigade.monitor.Observation;

/**
 * The monitor's internal wire form of an observation (its own repartition topic, never read by anyone else): a
 * small tagged binary layout with bounded lengths. Not a platform contract, so it lives here and not in events/.
 */
public final class ObservationCodec {

    private static final byte FORMAT = 1;
    private static final byte SERVED = 'P';
    private static final byte LABELLED = 'L';
    private static final byte SKEW = 'S';
    private static final int MAX_FEATURES = 10_000;

    private ObservationCodec() {
    }

    public static byte[] encode(Observation o) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            if (o instanceof Observation.Served s) {
                out.writeByte(SERVED);
                common(out, o);
                out.writeLong(s.latencyMicros());
                out.writeLong(s.cpuMicros());
                out.writeDouble(s.score());
                out.writeBoolean(s.error());
                writeMap(out, s.features(), (w, v) -> {
                    w.writeBoolean(v.imputed());
                    value(w, v.value());
                });
            } else if (o instanceof Observation.Labelled l) {
                out.writeByte(LABELLED);
                common(out, o);
                out.writeLong(l.servedAt());
                out.writeDouble(l.score());
                out.writeDouble(l.label());
                writeMap(out, l.costValues(), DataOutputStream::writeDouble);
                // A trailing section, absent in records written before it: event id, features as served, slices.
                out.writeUTF(l.eventId() == null ? "" : l.eventId());
                writeMap(out, l.features(), ObservationCodec::value);
                writeMap(out, l.slices(), DataOutputStream::writeUTF);
            } else if (o instanceof Observation.Skew k) {
                out.writeByte(SKEW);
                common(out, o);
                writeMap(out, k.features(), (w, v) -> w.writeByte(v.ordinal()));
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Observation decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            if (in.readByte() != FORMAT) {
                throw new IOException("unknown observation format");
            }
            byte kind = in.readByte();
            String id = in.readUTF();
            String useCase = in.readUTF();
            int version = in.readInt();
            String variant = in.readUTF();
            long time = in.readLong();
            switch (kind) {
                case SERVED: {
                    long latency = in.readLong();
                    long cpu = in.readLong();
                    double score = in.readDouble();
                    boolean error = in.readBoolean();
                    Map<String, Observation.Value> features = readMap(in, r -> {
                        boolean imputed = r.readBoolean();
                        return new Observation.Value(value(r), imputed);
                    });
                    return new Observation.Served(id, useCase, version, variant, time, latency, cpu, score, error,
                            features);
                }
                case LABELLED: {
                    long servedAt = in.readLong();
                    double score = in.readDouble();
                    double label = in.readDouble();
                    Map<String, Double> cost = readMap(in, DataInputStream::readDouble);
                    String eventId = null;
                    Map<String, Object> served = new LinkedHashMap<>();
                    Map<String, String> slices = new LinkedHashMap<>();
                    if (in.available() > 0) {
                        eventId = in.readUTF();
                        served = readMap(in, ObservationCodec::value);
                        slices = readMap(in, DataInput::readUTF);
                    }
                    return new Observation.Labelled(id, useCase, version, variant, time, servedAt, score, label, cost,
                            eventId == null || eventId.isEmpty() ? null : eventId, served, slices);
                }
                case SKEW: {
                    Observation.SkewOutcome[] outcomes = Observation.SkewOutcome.values();
                    Map<String, Observation.SkewOutcome> features = readMap(in, r -> {
                        int o = r.readByte();
                        if (o < 0 || o >= outcomes.length) {
                            throw new IOException("unknown skew outcome " + o);
                        }
                        return outcomes[o];
                    });
                    return new Observation.Skew(id, useCase, version, variant, time, features);
                }
                default:
                    throw new IOException("unknown observation kind " + kind);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("undecodable observation: " + e.getMessage(), e);
        }
    }

    private static void common(DataOutputStream out, Observation o) throws IOException {
        out.writeUTF(o.id());
        out.writeUTF(o.useCase());
        out.writeInt(o.version());
        out.writeUTF(o.variant() == null ? "" : o.variant());
        out.writeLong(o.time());
    }

    public interface Writer<V> {
        void write(DataOutputStream out, V value) throws IOException;
    }

    public interface Reader<V> {
        V read(DataInputStream in) throws IOException;
    }

    /** A map as its size, then each key (UTF) and value: the layout of every map in the monitor's binary state. */
    public static <V> void writeMap(DataOutputStream out, Map<String, V> map, Writer<V> value) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, V> e : map.entrySet()) {
            out.writeUTF(e.getKey());
            value.write(out, e.getValue());
        }
    }

    public static <V> Map<String, V> readMap(DataInputStream in, Reader<V> value) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FEATURES) {
            throw new IOException("implausible count " + n);
        }
        Map<String, V> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(in.readUTF(), value.read(in));
        }
        return out;
    }

    private static void value(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof Boolean b) {
            out.writeByte(1);
            out.writeBoolean(b);
        } else if (v instanceof Long l) {
            out.writeByte(2);
            out.writeLong(l);
        } else if (v instanceof Number n) {
            out.writeByte(3);
            out.writeDouble(n.doubleValue());
        } else {
            out.writeByte(4);
            String s = v.toString();
            out.writeUTF(s.length() > 1000 ? s.substring(0, 1000) : s);
        }
    }

    private static Object value(DataInputStream in) throws IOException {
        int tag = in.readByte();
        return switch (tag) {
            case 0 -> null;
            case 1 -> in.readBoolean();
            case 2 -> in.readLong();
            case 3 -> in.readDouble();
            case 4 -> in.readUTF();
            default -> throw new IOException("unknown value tag " + tag);
        };
    }
}
