package dev.brigade.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.brigade.registry.Fixtures;

/** Content-addressed artifact files: filing, dedup, verification, and nothing but a digest as a path. */
class ArtifactStoreTest {

    @TempDir
    Path dir;

    @Test
    void anArtifactIsFiledUnderItsSha256AndServedVerified() throws IOException {
        // Given an uploaded artifact
        byte[] bytes = Fixtures.cardArtifact(1);
        Path upload = Files.write(dir.resolve("upload.bin"), bytes);
        FileSystemArtifactStore store = new FileSystemArtifactStore(dir.resolve("artifacts"));

        // When it is stored twice (the same bytes) and opened
        ArtifactStore.Stored first = store.store(upload);
        ArtifactStore.Stored second = store.store(upload);
        byte[] served;
        try (InputStream in = store.open(first.sha256()).content()) {
            served = in.readAllBytes();
        }

        // Then it lives once, at sha256/<hex>, and is served byte for byte
        assertThat(first).isEqualTo(second);
        assertThat(first.size()).isEqualTo(bytes.length);
        assertThat(first.sha256()).isEqualTo(sha256(bytes));
        assertThat(dir.resolve("artifacts/sha256/" + first.sha256())).exists();
        try (Stream<Path> files = Files.list(dir.resolve("artifacts/sha256"))) {
            assertThat(files).hasSize(1);
        }
        assertThat(served).isEqualTo(bytes);
    }

    @Test
    void aDamagedFileIsNeverServed() throws IOException {
        // Given a stored artifact whose file is then changed on disk
        FileSystemArtifactStore store = new FileSystemArtifactStore(dir.resolve("artifacts"));
        ArtifactStore.Stored stored = store.store(Files.write(dir.resolve("upload.bin"), Fixtures.cardArtifact(2)));
        Path file = store.pathOf(stored.sha256());
        byte[] damaged = Files.readAllBytes(file);
        damaged[damaged.length / 2] ^= 0x01;
        Files.write(file, damaged);

        // When it is opened or read, Then both refuse with an integrity error naming both digests
        assertThatThrownBy(() -> store.open(stored.sha256()))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.INTEGRITY))
                .hasMessageContaining(stored.sha256()).hasMessageContaining(sha256(damaged));
        assertThatThrownBy(() -> store.readVerified(stored.sha256())).isInstanceOf(RegistryException.class);
    }

    @Test
    void uploadingTheSameBytesAgainRepairsADamagedFile() throws IOException {
        // Given a stored artifact damaged on disk
        FileSystemArtifactStore store = new FileSystemArtifactStore(dir.resolve("artifacts"));
        byte[] bytes = Fixtures.cardArtifact(3);
        Path upload = Files.write(dir.resolve("upload.bin"), bytes);
        ArtifactStore.Stored stored = store.store(upload);
        Files.write(store.pathOf(stored.sha256()), new byte[] {1, 2, 3});

        // When the same bytes are uploaded again
        store.store(upload);

        // Then the file is whole again
        assertThat(store.readVerified(stored.sha256())).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%252e%252e%252fetc", "..\\..\\etc",
        "/etc/passwd", "file:/etc/passwd", "ABCDEF", "0123", ""})
    void onlyAHexDigestBecomesAPath(String text) {
        FileSystemArtifactStore store = new FileSystemArtifactStore(dir.resolve("artifacts"));
        assertThatThrownBy(() -> store.open(text))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_REQUEST));
    }

    @Test
    void anAbsentDigestIsNotFound() {
        FileSystemArtifactStore store = new FileSystemArtifactStore(dir.resolve("artifacts"));
        assertThatThrownBy(() -> store.open("0".repeat(64)))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
    }

    private static String sha256(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(digest(bytes));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
