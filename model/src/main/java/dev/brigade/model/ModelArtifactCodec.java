package dev.brigade.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import dev.brigade.model.ModelArtifactException.Reason;

/**
 * Reads and writes model artifact files. Layout (all integers big-endian):
 *
 * <pre>
 *   8 bytes  magic "BRGMODEL"
 *   4 bytes  format version (equals ModelArtifact.formatVersion)
 *   4 bytes  body length n
 *   n bytes  body: Avro binary of ModelArtifact (no Java serialization anywhere)
 *   4 bytes  CRC-32C of the body
 * </pre>
 *
 * The checksum is verified before Avro sees the body, so damaged or truncated files fail with a clear reason
 * instead of a decoder error deep inside Avro; the registry's sha256 guards the file as a whole on top of that.
 * Every model is validated on write and on read: no reader ever scores with an inconsistent network.
 */
public final class ModelArtifactCodec {

    public static final int FORMAT_VERSION = 1;

    static final byte[] MAGIC = "BRGMODEL".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_LENGTH = MAGIC.length + 4 + 4;
    static final int TRAILER_LENGTH = 4;

    /** Far above any network this platform trains (a few thousand weights); guards memory, not taste. */
    static final int MAX_WIDTH = 100_000;
    static final int MAX_LAYERS = 64;

    private static final SpecificData MODEL = model();
    private static final Schema SCHEMA = ModelArtifact.getClassSchema();

    private ModelArtifactCodec() {
    }

    /** Validates, then writes the artifact's bytes. */
    public static byte[] encode(ModelArtifact artifact) {
        validate(artifact);
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        try {
            new SpecificDatumWriter<ModelArtifact>(SCHEMA, MODEL).write(artifact, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bodyBytes = body.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + bodyBytes.length + TRAILER_LENGTH);
        out.put(MAGIC).putInt(artifact.getFormatVersion()).putInt(bodyBytes.length).put(bodyBytes)
                .putInt(crc(bodyBytes, 0, bodyBytes.length));
        return out.array();
    }

    /**
     * @throws ModelArtifactException for anything but a complete, undamaged, consistent artifact of a known version
     */
    public static ModelArtifact decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH + TRAILER_LENGTH) {
            throw new ModelArtifactException(Reason.TRUNCATED, "a model artifact has at least "
                    + (HEADER_LENGTH + TRAILER_LENGTH) + " bytes, got " + (bytes == null ? 0 : bytes.length));
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ModelArtifactException(Reason.BAD_MAGIC, "does not start with \"BRGMODEL\"");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int version = in.getInt(MAGIC.length);
        if (version != FORMAT_VERSION) {
            throw new ModelArtifactException(Reason.UNSUPPORTED_VERSION,
                    "format version " + version + ", this reader knows " + FORMAT_VERSION);
        }
        int bodyLength = in.getInt(MAGIC.length + 4);
        long expected = (long) HEADER_LENGTH + bodyLength + TRAILER_LENGTH;
        if (bodyLength < 0 || expected > bytes.length) {
            throw new ModelArtifactException(Reason.TRUNCATED,
                    "header announces a " + bodyLength + "-byte body, only " + (bytes.length - HEADER_LENGTH
                            - TRAILER_LENGTH) + " bytes follow");
        }
        if (expected < bytes.length) {
            throw new ModelArtifactException(Reason.CORRUPT_BODY,
                    (bytes.length - expected) + " bytes after the checksum");
        }
        int storedCrc = in.getInt(HEADER_LENGTH + bodyLength);
        int actualCrc = crc(bytes, HEADER_LENGTH, bodyLength);
        if (storedCrc != actualCrc) {
            throw new ModelArtifactException(Reason.CHECKSUM_MISMATCH, String.format(
                    "body CRC-32C is %08x, the artifact says %08x", actualCrc, storedCrc));
        }
        ModelArtifact artifact;
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bodyLength, null);
        try {
            artifact = new BoundedReader(bodyLength).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new ModelArtifactException(Reason.CORRUPT_BODY, "trailing bytes inside the body");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelArtifactException mae) {
                throw mae;
            }
            throw new ModelArtifactException(Reason.CORRUPT_BODY, "body does not decode as a ModelArtifact: " + e, e);
        }
        if (artifact.getFormatVersion() != version) {
            throw new ModelArtifactException(Reason.CORRUPT_BODY, "header says format " + version
                    + ", body says " + artifact.getFormatVersion());
        }
        validate(artifact);
        return artifact;
    }

    /**
     * Checks that the network and its input preparation fit together and hold only finite numbers.
     *
     * @throws ModelArtifactException with reason INVALID_MODEL naming the first problem
     */
    public static void validate(ModelArtifact a) {
        if (a.getFormatVersion() != FORMAT_VERSION) {
            throw invalid("formatVersion is " + a.getFormatVersion() + ", expected " + FORMAT_VERSION);
        }
        List<String> names = a.getFeatureNames();
        int n = names.size();
        if (n == 0 || n > MAX_WIDTH) {
            throw invalid("featureNames must hold 1 to " + MAX_WIDTH + " inputs, holds " + n);
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw invalid("featureNames contains a blank name");
            }
            if (!seen.add(name)) {
                throw invalid("featureNames contains " + name + " twice");
            }
        }
        requireLength("imputation", a.getImputation(), n);
        requireFinite("imputation", a.getImputation());
        requireLength("normalisation.mean", a.getNormalisation().getMean(), n);
        requireFinite("normalisation.mean", a.getNormalisation().getMean());
        requireLength("normalisation.std", a.getNormalisation().getStd(), n);
        for (int i = 0; i < n; i++) {
            double std = a.getNormalisation().getStd().get(i);
            if (!(std > 0) || !Double.isFinite(std)) {
                throw invalid("normalisation.std[" + i + "] (" + names.get(i) + ") must be finite and > 0, is " + std);
            }
        }
        List<Dense> layers = a.getLayers();
        if (layers.isEmpty() || layers.size() > MAX_LAYERS) {
            throw invalid("layers must hold 1 to " + MAX_LAYERS + " dense layers, holds " + layers.size());
        }
        int width = n;
        for (int k = 0; k < layers.size(); k++) {
            Dense layer = layers.get(k);
            String at = "layers[" + k + "]";
            if (layer.getInputs() != width) {
                throw invalid(at + ".inputs is " + layer.getInputs() + ", the previous width is " + width);
            }
            if (layer.getOutputs() < 1 || layer.getOutputs() > MAX_WIDTH) {
                throw invalid(at + ".outputs must be 1 to " + MAX_WIDTH + ", is " + layer.getOutputs());
            }
            requireLength(at + ".weights", layer.getWeights(), (long) layer.getInputs() * layer.getOutputs());
            requireFinite(at + ".weights", layer.getWeights());
            requireLength(at + ".biases", layer.getBiases(), layer.getOutputs());
            requireFinite(at + ".biases", layer.getBiases());
            width = layer.getOutputs();
        }
        Dense output = layers.get(layers.size() - 1);
        if (output.getOutputs() != 1) {
            throw invalid("the output layer must have 1 output, has " + output.getOutputs());
        }
        Double threshold = a.getDecisionThreshold();
        if (a.getTaskType() == ModelTask.BINARY_CLASSIFICATION) {
            if (output.getActivation() != Activation.SIGMOID) {
                throw invalid("a binary classifier's output activation must be SIGMOID (a probability), is "
                        + output.getActivation());
            }
            if (threshold == null || !(threshold > 0 && threshold < 1)) {
                throw invalid("a binary classifier needs a decisionThreshold in (0, 1), has " + threshold);
            }
            if (a.getOutputScale() != null) {
                throw invalid("outputScale is for regression only");
            }
        } else {
            if (threshold != null) {
                throw invalid("a regression model has no decisionThreshold, has " + threshold);
            }
            OutputScale scale = a.getOutputScale();
            if (scale != null && (!Double.isFinite(scale.getMean()) || !(scale.getStd() > 0)
                    || !Double.isFinite(scale.getStd()))) {
                throw invalid("outputScale must have a finite mean and a finite std > 0");
            }
        }
    }

    private static void requireLength(String what, List<Double> values, long expected) {
        if (values.size() != expected) {
            throw invalid(what + " holds " + values.size() + " values, expected " + expected);
        }
    }

    private static void requireFinite(String what, List<Double> values) {
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v == null || !Double.isFinite(v)) {
                throw invalid(what + "[" + i + "] is not a finite number: " + v);
            }
        }
    }

    private static ModelArtifactException invalid(String message) {
        return new ModelArtifactException(Reason.INVALID_MODEL, message);
    }

    /** Generated classes through their own loader (Quarkus), and the classic reader, whose array allocation is capped. */
    private static SpecificData model() {
        SpecificData model = new SpecificData(ModelArtifact.class.getClassLoader());
        model.setFastReaderEnabled(false);
        return model;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * Caps the capacity Avro pre-allocates for an array at the body's length (every item takes at least one byte),
     * so a damaged item count cannot make the reader allocate gigabytes before it runs out of bytes.
     */
    private static final class BoundedReader extends SpecificDatumReader<ModelArtifact> {

        private final int maxItems;

        BoundedReader(int bodyLength) {
            super(SCHEMA, SCHEMA, MODEL);
            this.maxItems = bodyLength;
        }

        @Override
        protected Object newArray(Object old, int size, Schema schema) {
            return super.newArray(old, Math.min(size, maxItems), schema);
        }
    }
}
