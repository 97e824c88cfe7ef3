package dev.brigade.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

import dev.brigade.model.ModelArtifactException.Reason;

class ModelArtifactCodecTest {

    @Test
    void anArtifactRoundTripsAndScoresTheSame() {
        // Given the hand-worked classifier and its bytes
        ModelArtifact artifact = TestArtifacts.classifier();
        byte[] bytes = ModelArtifactCodec.encode(artifact);

        // When the bytes are read back and loaded
        ModelArtifact read = ModelArtifactCodec.decode(bytes);
        Scorer scorer = Scorer.load(bytes);

        // Then the artifact is equal, starts with the magic, and scores as the original
        assertThat(read).isEqualTo(artifact);
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo("BRGMODEL".getBytes());
        assertThat(scorer.score(new double[] {3.0, 2.5})).isEqualTo(Scorer.of(artifact).score(new double[] {3.0, 2.5}));
    }

    @Test
    void everyTruncationIsRejectedWithAClearReason() {
        // Given a valid artifact
        byte[] bytes = ModelArtifactCodec.encode(TestArtifacts.regressor());

        // When every proper prefix is read, Then each is rejected as truncated (never a half model)
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> ModelArtifactCodec.decode(prefix))
                    .as("prefix of %d bytes", length)
                    .isInstanceOfSatisfying(ModelArtifactException.class,
                            e -> assertThat(e.reason()).isIn(Reason.TRUNCATED, Reason.BAD_MAGIC));
        }
    }

    @Test
    void aFlippedByteInTheBodyFailsTheChecksum() {
        // Given a valid artifact with one body byte changed
        byte[] bytes = ModelArtifactCodec.encode(TestArtifacts.classifier());
        bytes[ModelArtifactCodec.HEADER_LENGTH + 5] ^= 0x40;

        // When it is read, Then the checksum names the damage
        assertThatThrownBy(() -> Scorer.load(bytes))
                .isInstanceOfSatisfying(ModelArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH))
                .hasMessageContaining("CRC-32C");
    }

    @Test
    void aBodyThatDoesNotDecodeIsRejectedEvenWithAMatchingChecksum() {
        // Given a body cut short inside its arrays, re-framed with a correct length and checksum
        byte[] good = ModelArtifactCodec.encode(TestArtifacts.classifier());
        byte[] body = Arrays.copyOfRange(good, ModelArtifactCodec.HEADER_LENGTH, ModelArtifactCodec.HEADER_LENGTH + 20);
        byte[] reframed = frame(1, body);

        // When it is read, Then Avro's failure arrives as CORRUPT_BODY
        assertThatThrownBy(() -> ModelArtifactCodec.decode(reframed))
                .isInstanceOfSatisfying(ModelArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_BODY));
    }

    @Test
    void aHugeDamagedItemCountDoesNotAllocateBeforeFailing() {
        // Given a body whose first array claims 2^30 items but holds a few bytes
        byte[] body = new byte[] {2, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 2, 'a'};
        byte[] bytes = frame(1, body);

        // When it is read, Then it fails as a corrupt body
        assertThatThrownBy(() -> ModelArtifactCodec.decode(bytes))
                .isInstanceOfSatisfying(ModelArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_BODY));
    }

    @Test
    void otherBytesAndOtherVersionsAreNamed() {
        byte[] good = ModelArtifactCodec.encode(TestArtifacts.classifier());
        byte[] notModel = "PK\u0003\u0004 this is a zip file, not a model".getBytes();
        byte[] future = good.clone();
        ByteBuffer.wrap(future).putInt(8, 2);
        byte[] trailing = Arrays.copyOf(good, good.length + 3);

        assertThatThrownBy(() -> ModelArtifactCodec.decode(notModel))
                .isInstanceOfSatisfying(ModelArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC));
        assertThatThrownBy(() -> ModelArtifactCodec.decode(future))
                .isInstanceOfSatisfying(ModelArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_VERSION))
                .hasMessageContaining("format version 2");
        assertThatThrownBy(() -> ModelArtifactCodec.decode(trailing))
                .isInstanceOfSatisfying(ModelArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_BODY));
    }

    @Test
    void inconsistentNetworksAreNeverWrittenNorLoaded() {
        // Given a classifier whose first layer lost a weight, and one without a threshold
        ModelArtifact classifier = TestArtifacts.classifier();
        ModelArtifact shortWeights = ModelArtifact.newBuilder(classifier).setLayers(List.of(
                new Dense(2, 2, List.of(0.5, -1.0, 0.25), List.of(0.1, -0.5), Activation.RELU),
                classifier.getLayers().get(1))).build();
        ModelArtifact noThreshold = ModelArtifact.newBuilder(classifier).setDecisionThreshold(null).build();
        ModelArtifact zeroStd = ModelArtifact.newBuilder(TestArtifacts.regressor())
                .setNormalisation(new Normalisation(List.of(2.0), List.of(0.0))).build();

        // When they are written or loaded, Then each is refused naming the problem
        assertThatThrownBy(() -> ModelArtifactCodec.encode(shortWeights))
                .hasMessageContaining("layers[0].weights holds 3 values, expected 4");
        assertThatThrownBy(() -> Scorer.of(noThreshold)).hasMessageContaining("decisionThreshold");
        assertThatThrownBy(() -> Scorer.of(zeroStd)).hasMessageContaining("normalisation.std[0] (x)");
    }

    /** Frames a body as the codec would, with a correct length and checksum. */
    private static byte[] frame(int version, byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(ModelArtifactCodec.HEADER_LENGTH + body.length + 4)
                .put("BRGMODEL".getBytes()).putInt(version).putInt(body.length).put(body).putInt((int) crc.getValue())
                .array();
    }
}
