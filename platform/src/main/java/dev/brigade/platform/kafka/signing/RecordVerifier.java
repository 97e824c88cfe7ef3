package dev.brigade.platform.kafka.signing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Checks a record's signature against a set of trusted Ed25519 public keys, found by the record's key id. Several
 * keys are trusted at once so that a key can be rotated: trust the new one everywhere, sign with it, then drop the
 * old. Thread-safe.
 */
public final class RecordVerifier {

    /** Why a record is refused; the name is the dead letter's reason kind and the metric's reason. */
    public enum Reason {
        /** No signature or no key id header. */
        UNSIGNED,
        /** Signed by a key this station does not trust. */
        UNKNOWN_KEY,
        /** The signature does not match the key and value (tampered, or forged under a trusted key id). */
        BAD_SIGNATURE
    }

    /** A refusal: its kind and a sentence for the log and the dead letter. */
    public record Refusal(Reason reason, String detail) {

        /** "REASON: detail", the form a replay's refusal takes. */
        public String text() {
            return reason.name() + ": " + detail;
        }
    }

    private final Map<String, PublicKey> trusted;

    /** @param keys the trusted public keys; each is found by its {@link SignedBytes#keyId} */
    public RecordVerifier(Collection<PublicKey> keys) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey key : keys) {
            byId.put(SignedBytes.keyId(key), key);
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("no trusted key: every record would be refused");
        }
        this.trusted = Map.copyOf(byId);
    }

    /**
     * Trusts the public key of each PEM certificate file, as {@code keytool -exportcert -rfc} writes it (a file may
     * hold several certificates).
     *
     * @throws IllegalArgumentException naming the file that cannot be read or holds no certificate
     */
    public static RecordVerifier fromCertificates(List<Path> files) {
        List<PublicKey> keys = new java.util.ArrayList<>();
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read the certificate file " + file.toAbsolutePath());
            }
            try (InputStream in = Files.newInputStream(file)) {
                Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                        .generateCertificates(in);
                if (certificates.isEmpty()) {
                    throw new IllegalArgumentException("no certificate in " + file);
                }
                certificates.forEach(c -> keys.add(c.getPublicKey()));
            } catch (IOException | CertificateException e) {
                throw new IllegalArgumentException("cannot read the certificate file " + file + ": " + e.getMessage());
            }
        }
        return new RecordVerifier(keys);
    }

    /** The ids of the trusted keys. */
    public Set<String> keyIds() {
        return trusted.keySet();
    }

    public boolean trusts(String keyId) {
        return trusted.containsKey(keyId);
    }

    /** Empty when the record carries a valid signature of a trusted key over its key and value. */
    public Optional<Refusal> check(String key, byte[] value, Headers headers) {
        Header signature = headers.lastHeader(SignedBytes.SIGNATURE_HEADER);
        Header keyIdHeader = headers.lastHeader(SignedBytes.KEY_ID_HEADER);
        if (signature == null || signature.value() == null || keyIdHeader == null || keyIdHeader.value() == null) {
            return Optional.of(new Refusal(Reason.UNSIGNED, "no " + (signature == null || signature.value() == null
                    ? SignedBytes.SIGNATURE_HEADER : SignedBytes.KEY_ID_HEADER) + " header"));
        }
        String keyId = new String(keyIdHeader.value(), StandardCharsets.US_ASCII);
        PublicKey publicKey = trusted.get(keyId);
        if (publicKey == null) {
            return Optional.of(new Refusal(Reason.UNKNOWN_KEY, "signed by key id '" + printable(keyId)
                    + "', which is not trusted (trusted: " + trusted.keySet() + ")"));
        }
        if (!valid(publicKey, key, value, signature.value())) {
            return Optional.of(new Refusal(Reason.BAD_SIGNATURE,
                    "the signature does not match the record's key and value under key id " + keyId));
        }
        return Optional.empty();
    }

    private static boolean valid(PublicKey publicKey, String key, byte[] value, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance(SignedBytes.ALGORITHM);
            signature.initVerify(publicKey);
            signature.update(SignedBytes.of(key, value));
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException | RuntimeException e) {
            // a malformed signature (wrong length) is a bad signature, not a failure of the fold
            return false;
        }
    }

    /** A forged key id goes into a log line and a dead letter: keep it short and printable. */
    private static String printable(String keyId) {
        String cut = keyId.length() > 64 ? keyId.substring(0, 64) + "..." : keyId;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
