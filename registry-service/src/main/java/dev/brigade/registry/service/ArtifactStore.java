package dev.brigade.registry.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import dev.brigade.registry.config.RegistryConfig;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Where model artifacts live, by sha256: the one seam between the registry and its storage. Both instances of an
 * active/standby pair must see the same store (the active files an upload, the standby serves it). Every read
 * re-hashes the bytes and refuses ones that no longer match their digest, whatever the store.
 *
 * <p>Implementations: {@link FileSystemArtifactStore} ({@code BRIGADE_ARTIFACT_STORE=file}, the default; a shared
 * volume for two instances). An S3-compatible store is the intended second one and plugs in here (a class that
 * stages the upload, hashes it, PUTs {@code sha256/<hex>} unless present, and GETs and re-hashes on open, selected
 * by {@code BRIGADE_ARTIFACT_STORE=s3}); it is not built, because no S3 client is available to this build.
 */
public interface ArtifactStore {

    /** The only text that ever names an artifact in a store: a lower-case hex sha256. */
    Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    record Stored(String sha256, long size) {
    }

    /** A verified artifact, open for streaming: the caller closes it. */
    record Verified(String sha256, long size, InputStream content) {
    }

    /** Where it stores, for the start-up log. */
    String location();

    /**
     * Hashes an uploaded file and files it under its digest. An artifact already present (same bytes) is kept;
     * one present but damaged is replaced by the upload.
     */
    Stored store(Path uploaded);

    /**
     * Re-hashes the whole artifact, then returns it open at its start.
     *
     * @throws RegistryException NOT_FOUND if absent, INTEGRITY if its content does not match its digest,
     *         BAD_REQUEST unless the text is a lower-case hex sha256
     */
    Verified open(String sha256);

    /** The verified bytes, for loading a model into the scorer. */
    default byte[] readVerified(String sha256) {
        Verified verified = open(sha256);
        try (InputStream in = verified.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact sha256:" + sha256, e);
        }
    }

    /** The store the configuration names (brigade.registry.artifact-store). */
    static ArtifactStore of(RegistryConfig config) {
        return switch (config.artifactStore()) {
            case "file" -> new FileSystemArtifactStore(config.artifactDir());
            default -> throw new ConfigurationException("BRIGADE_ARTIFACT_STORE=" + config.artifactStore()
                    + " is not an artifact store of this build: only 'file' (a directory, shared by the instances "
                    + "as a volume) is; see service/ArtifactStore for the S3 extension point");
        };
    }
}
