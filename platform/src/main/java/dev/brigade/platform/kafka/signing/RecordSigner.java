package dev.brigade.platform.kafka.signing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;

import org.apache.kafka.common.header.Headers;

/**
 * Signs records with one Ed25519 private key: adds {@code brigade-signature} and {@code brigade-key-id} to a
 * record's headers (replacing any already there). Thread-safe: a {@link Signature} is made per call.
 */
public final class RecordSigner {

    private final PrivateKey privateKey;
    private final String keyId;

    public RecordSigner(PrivateKey privateKey, PublicKey publicKey) {
        if (!SignedBytes.ALGORITHM.equalsIgnoreCase(publicKey.getAlgorithm())
                && !"EdDSA".equalsIgnoreCase(publicKey.getAlgorithm())) {
            throw new IllegalArgumentException("the signing key must be Ed25519, not " + publicKey.getAlgorithm());
        }
        this.privateKey = privateKey;
        this.keyId = SignedBytes.keyId(publicKey);
    }

    /**
     * The key pair of a PKCS12 keystore entry, as {@code keytool -genkeypair -keyalg Ed25519 -storetype PKCS12}
     * makes it (the key's password is the store's).
     *
     * @throws IllegalArgumentException naming what is wrong: no file, a wrong password, no such alias, not Ed25519
     */
    public static RecordSigner fromKeystore(Path keystore, char[] password, String alias) {
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("cannot read the keystore " + keystore.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            if (!store.isKeyEntry(alias)) {
                throw new IllegalArgumentException("the keystore " + keystore + " has no key entry '" + alias
                        + "' (it has " + java.util.Collections.list(store.aliases()) + ")");
            }
            Certificate certificate = store.getCertificate(alias);
            if (!(store.getKey(alias, password) instanceof PrivateKey key) || certificate == null) {
                throw new IllegalArgumentException("the entry '" + alias + "' of " + keystore
                        + " is not a private key with its certificate");
            }
            return new RecordSigner(key, certificate.getPublicKey());
        } catch (IOException e) {
            // PKCS12 reports a wrong password as an IOException whose cause is an UnrecoverableKeyException
            throw new IllegalArgumentException("cannot open the keystore " + keystore + " (wrong password or not "
                    + "PKCS12): " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the key '" + alias + "' of " + keystore + ": " + e);
        }
    }

    public String keyId() {
        return keyId;
    }

    /** Adds the signature of (key, value) and this key's id to the headers. */
    public void sign(String key, byte[] value, Headers headers) {
        headers.remove(SignedBytes.SIGNATURE_HEADER);
        headers.remove(SignedBytes.KEY_ID_HEADER);
        headers.add(SignedBytes.SIGNATURE_HEADER, signature(key, value));
        headers.add(SignedBytes.KEY_ID_HEADER, keyId.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] signature(String key, byte[] value) {
        try {
            Signature signature = Signature.getInstance(SignedBytes.ALGORITHM);
            signature.initSign(privateKey);
            signature.update(SignedBytes.of(key, value));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }
}
