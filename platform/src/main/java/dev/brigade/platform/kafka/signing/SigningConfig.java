package dev.brigade.platform.kafka.signing;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Keys for signed topics (registry-events). The signer (the registry) reads a PKCS12 keystore; every verifying
 * station reads the certificates it trusts. All optional here because every station carries this mapping;
 * {@link SigningKeys} refuses to start a station that needs a missing part, naming its environment variable.
 */
@ConfigMapping(prefix = "brigade.signing")
public interface SigningConfig {

    /** PKCS12 keystore file with the signing key (BRIGADE_SIGNING_KEYSTORE); the registry only. */
    Optional<String> keystore();

    /** The keystore's password, also the key's (BRIGADE_SIGNING_KEYSTORE_PASSWORD). */
    Optional<String> keystorePassword();

    /** The key entry to sign with (BRIGADE_SIGNING_KEY_ALIAS). */
    @WithDefault("registry-signing")
    String keyAlias();

    /**
     * PEM certificate files ({@code keytool -exportcert -rfc}) whose keys this station trusts, comma-separated
     * (BRIGADE_SIGNING_TRUSTED_CERTS). Several during a key rotation.
     */
    Optional<List<String>> trustedCerts();

    /**
     * For an install upgraded from before signing: where the unsigned history ends, as {@code partition:offset}
     * pairs, comma-separated (BRIGADE_SIGNING_UNSIGNED_HISTORY_END, e.g. {@code 0:1842}, the end offsets of
     * registry-events when the signing registry first started). A record below that offset without any signature
     * header is folded as before; one that carries a signature is verified; everything from there on must be signed.
     * Unset: every record must be signed.
     */
    Optional<List<String>> unsignedHistoryEnd();
}
