package dev.brigade.model;

/**
 * The one exception for bytes that are not a usable model artifact, or a model that is not internally consistent.
 * Readers never get half a model: they get this, with a {@link #reason()} and a message naming what is wrong.
 */
public class ModelArtifactException extends RuntimeException {

    public enum Reason {
        /** Fewer bytes than the header and checksum need, or fewer than the header announces. */
        TRUNCATED,
        /** Not a Brigade model artifact: the magic bytes are missing. */
        BAD_MAGIC,
        /** A layout version this reader does not know (written by a newer trainer, or garbage). */
        UNSUPPORTED_VERSION,
        /** The body's CRC-32C does not match: the bytes were damaged after writing. */
        CHECKSUM_MISMATCH,
        /** The checksum matches but the body does not decode as a ModelArtifact. */
        CORRUPT_BODY,
        /** It decodes, but the network or its input preparation is inconsistent (sizes, non-finite numbers...). */
        INVALID_MODEL
    }

    private final Reason reason;

    public ModelArtifactException(Reason reason, String message) {
        this(reason, message, null);
    }

    public ModelArtifactException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
