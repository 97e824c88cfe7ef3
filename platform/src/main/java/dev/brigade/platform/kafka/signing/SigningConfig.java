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
}
