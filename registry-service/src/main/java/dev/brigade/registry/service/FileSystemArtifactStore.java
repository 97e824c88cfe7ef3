package dev.brigade.registry.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The default {@link ArtifactStore}: content-addressed files, the file of sha256 {@code <hex>} at
 * {@code <root>/sha256/<hex>}, written once by an atomic rename and never rewritten. With an active and a standby
 * instance the root is a volume both mount (ReadWriteMany in Kubernetes, NFS, or one directory on one host): the
 * active files uploads, either instance serves them, and a half-written file is never visible (staging file in
 * the same tree, then a rename). The only thing that ever becomes part of a path is a digest that
 * matched {@code [0-9a-f]{64}}: no use-case name, file name or other caller text reaches the file system.
 * Every read re-hashes the file first and refuses to serve one whose content no longer matches its name.
 */
public final class FileSystemArtifactStore implements ArtifactStore {

    private final Path root;
    private final Path objects;
    private final Path incoming;

    public FileSystemArtifactStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.objects = this.root.resolve("sha256");
        this.incoming = this.root.resolve("incoming");
        try {
            Files.createDirectories(objects);
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the artifact directory " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    /**
     * Hashes an uploaded file and files it under its digest. An artifact already present (same bytes) is kept and
     * the upload discarded.
     */
    @Override
    public Stored store(Path uploaded) {
        try {
            Path staging = Files.createTempFile(incoming, "upload-", ".part");
            String sha;
            long size;
            try (InputStream in = new DigestInputStream(Files.newInputStream(uploaded), digest())) {
                size = Files.copy(in, staging, StandardCopyOption.REPLACE_EXISTING);
                sha = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            }
            Path target = pathOf(sha);
            if (Files.exists(target) && sha.equals(hash(target))) {
                Files.deleteIfExists(staging);
                return new Stored(sha, size);
            }
            // Absent, or present but damaged: the upload has the right bytes, so it takes the place.
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                // Same directory tree, so atomic moves are expected; a concurrent identical upload is fine.
                Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return new Stored(sha, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store an artifact under " + root, e);
        }
    }

    /**
     * Re-hashes the whole file, then returns it open at its start.
     *
     * @throws RegistryException NOT_FOUND if absent, INTEGRITY if its content does not match its digest
     */
    @Override
    public Verified open(String sha256) {
        Path path = pathOf(sha256);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            MessageDigest digest = digest();
            long size = new DigestInputStream(Channels.newInputStream(channel), digest)
                    .transferTo(OutputStream.nullOutputStream());
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                channel.close();
                throw new RegistryException(RegistryException.Kind.INTEGRITY, "artifact sha256:" + sha256
                        + " is damaged on disk (its content hashes to " + actual + "); it is not served");
            }
            channel.position(0);
            return new Verified(sha256, size, Channels.newInputStream(channel));
        } catch (java.nio.file.NoSuchFileException e) {
            throw RegistryException.notFound("no artifact sha256:" + sha256);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot read artifact sha256:" + sha256, e);
        }
    }

    /** @throws RegistryException BAD_REQUEST unless the text is a lower-case hex sha256 */
    public Path pathOf(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw RegistryException.badRequest("sha256", "must be 64 lower-case hex digits");
        }
        Path path = objects.resolve(sha256).normalize();
        if (!path.startsWith(objects)) {
            throw RegistryException.badRequest("sha256", "must be 64 lower-case hex digits");
        }
        return path;
    }

    private static String hash(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the first error is the one to report.
            }
        }
    }
}
