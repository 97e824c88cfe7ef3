package dev.brigade.platform.kafka.signing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A station's signing keys, loaded from {@link SigningConfig} on first use (a station calls it from its start-up).
 * A missing or unreadable part is a {@link ConfigurationException} without a cause: Quarkus prints its one line,
 * naming the environment variable, and the station stops; no stack trace, no retry.
 */
@ApplicationScoped
public class SigningKeys {

    static final String KEYSTORE = "BRIGADE_SIGNING_KEYSTORE";
    static final String PASSWORD = "BRIGADE_SIGNING_KEYSTORE_PASSWORD";
    static final String ALIAS = "BRIGADE_SIGNING_KEY_ALIAS";
    static final String TRUSTED = "BRIGADE_SIGNING_TRUSTED_CERTS";
    static final String HISTORY = "BRIGADE_SIGNING_UNSIGNED_HISTORY_END";

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final SigningConfig config;
    private RecordSigner signer;
    private RecordVerifier verifier;

    SigningKeys(SigningConfig config) {
        this.config = config;
    }

    /** The registry's signer; refuses to start without a readable keystore, password and key entry. */
    public synchronized RecordSigner signer() {
        if (signer == null) {
            String keystore = required(config.keystore(), KEYSTORE, "the PKCS12 keystore with the Ed25519 key that "
                    + "signs registry events");
            String password = required(config.keystorePassword(), PASSWORD, "the password of " + KEYSTORE);
            try {
                signer = RecordSigner.fromKeystore(Path.of(keystore), password.toCharArray(), config.keyAlias());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("Registry event signing: " + e.getMessage() + "; check " + KEYSTORE
                        + ", " + PASSWORD + " and " + ALIAS + " (" + config.keyAlias() + ")");
            }
            LOG.infof("Signing registry events with key id %s (%s, entry %s)", signer.keyId(), keystore,
                    config.keyAlias());
        }
        return signer;
    }

    /** The keys this station trusts; refuses to start without readable certificates. */
    public synchronized RecordVerifier verifier() {
        if (verifier == null) {
            List<String> files = config.trustedCerts().orElse(List.of()).stream().map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
            if (files.isEmpty()) {
                throw missing(TRUSTED, "the registry's certificate file(s) (PEM, keytool -exportcert -rfc), "
                        + "comma-separated; this station verifies every registry event with them");
            }
            try {
                verifier = RecordVerifier.fromCertificates(files.stream().map(Path::of).toList());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("Registry event signing: " + e.getMessage() + "; check " + TRUSTED);
            }
            LOG.infof("Trusting registry events signed by key ids %s (%s)", verifier.keyIds(), files);
        }
        return verifier;
    }

    /**
     * The trusted keys where certificates are configured, else empty: for a station that reads no signed topic yet
     * but is handed the certificates like every reader (a wrong path still stops it at start).
     */
    public synchronized Optional<RecordVerifier> verifierIfConfigured() {
        boolean configured = config.trustedCerts().orElse(List.of()).stream().anyMatch(s -> !s.isBlank());
        return configured ? Optional.of(verifier()) : Optional.empty();
    }

    /** Per partition, the offset below which unsigned records are the history from before signing; empty if none. */
    public Map<Integer, Long> unsignedHistoryEnd() {
        Map<Integer, Long> ends = new TreeMap<>();
        for (String pair : config.unsignedHistoryEnd().orElse(List.of())) {
            String trimmed = pair.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split(":");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                ends.put(Integer.parseInt(parts[0].trim()), Long.parseLong(parts[1].trim()));
            } catch (NumberFormatException e) {
                throw new ConfigurationException("Registry event signing: " + HISTORY + " takes partition:offset "
                        + "pairs, comma-separated (e.g. 0:1842), not '" + trimmed + "'");
            }
        }
        if (!ends.isEmpty()) {
            LOG.warnf("Unsigned registry events below offsets %s (partition=offset) are folded as the history from "
                    + "before signing (%s)", ends, HISTORY);
        }
        return ends;
    }

    private static String required(Optional<String> value, String variable, String what) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> missing(variable, what));
    }

    private static ConfigurationException missing(String variable, String what) {
        return new ConfigurationException("Registry event signing is not configured: set " + variable + " ("
                + "brigade.signing." + propertyOf(variable) + ") to " + what);
    }

    private static String propertyOf(String variable) {
        return variable.substring("BRIGADE_SIGNING_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
