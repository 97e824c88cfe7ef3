package dev.brigade.platform.kafka.signing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * What a record's signature covers and how it travels. The signed bytes are the record's key (its UTF-8 bytes, as
 * the String serializer writes them) and value, each behind its 4-byte length (-1 for null), so bytes cannot move
 * from the key into the value or back. The signature and the signer's key id ride in two headers.
 */
public final class SignedBytes {

    /** Ed25519 signature of {@link #of(String, byte[])}, 64 bytes. */
    public static final String SIGNATURE_HEADER = "brigade-signature";
    /** {@link #keyId(PublicKey)} of the signing key, as ASCII. */
    public static final String KEY_ID_HEADER = "brigade-key-id";
    /** The JDK's own EdDSA; no provider to add. */
    public static final String ALGORITHM = "Ed25519";

    private SignedBytes() {
    }

    /** The bytes a signature covers: length-prefixed key, then length-prefixed value. */
    public static byte[] of(String key, byte[] value) {
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + length(k) + length(value));
        put(buffer, k);
        put(buffer, value);
        return buffer.array();
    }

    /** The first 16 hex characters of the SHA-256 of the encoded (X.509 SubjectPublicKeyInfo) public key. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void put(ByteBuffer buffer, byte[] bytes) {
        buffer.putInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            buffer.put(bytes);
        }
    }
}
