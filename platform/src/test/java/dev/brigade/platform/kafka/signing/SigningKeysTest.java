package dev.brigade.platform.kafka.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

/** A station without usable signing configuration stops with one line naming the environment variable. */
class SigningKeysTest {

    private static final String DIR = "src/test/resources/signing/";

    @Test
    void aMissingKeystoreOrPasswordNamesItsVariable() {
        // Given no keystore, then a keystore without its password
        SigningKeys none = new SigningKeys(config(null, null, "registry-signing", null));
        SigningKeys noPassword = new SigningKeys(config(DIR + "registry-signing.p12", null, "registry-signing", null));

        // When / Then: a configuration problem (printed without a stack trace) naming the variable
        assertThatThrownBy(none::signer).isInstanceOf(ConfigurationException.class).hasNoCause()
                .hasMessageContaining("BRIGADE_SIGNING_KEYSTORE (brigade.signing.keystore)");
        assertThatThrownBy(noPassword::signer).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BRIGADE_SIGNING_KEYSTORE_PASSWORD (brigade.signing.keystore-password)");
    }

    @Test
    void anUnreadableKeystoreNamesTheVariablesToCheck() {
        SigningKeys wrongPassword = new SigningKeys(config(DIR + "registry-signing.p12", "nope", "registry-signing",
                null));
        SigningKeys wrongAlias = new SigningKeys(config(DIR + "registry-signing.p12", "brigade-test", "other", null));

        assertThatThrownBy(wrongPassword::signer).isInstanceOf(ConfigurationException.class).hasNoCause()
                .hasMessageContaining("BRIGADE_SIGNING_KEYSTORE_PASSWORD");
        assertThatThrownBy(wrongAlias::signer).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BRIGADE_SIGNING_KEY_ALIAS (other)");
    }

    @Test
    void missingOrUnreadableTrustedCertificatesNameTheirVariable() {
        SigningKeys none = new SigningKeys(config(null, null, "registry-signing", List.of(" ")));
        SigningKeys missing = new SigningKeys(config(null, null, "registry-signing", List.of(DIR + "gone.pem")));

        assertThatThrownBy(none::verifier).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BRIGADE_SIGNING_TRUSTED_CERTS (brigade.signing.trusted-certs)");
        assertThatThrownBy(missing::verifier).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gone.pem").hasMessageContaining("BRIGADE_SIGNING_TRUSTED_CERTS");
    }

    @Test
    void aStationThatVerifiesNothingYetChecksCertificatesOnlyWhenGiven() {
        SigningKeys none = new SigningKeys(config(null, null, "registry-signing", null));
        SigningKeys broken = new SigningKeys(config(null, null, "registry-signing", List.of(DIR + "gone.pem")));

        assertThat(none.verifierIfConfigured()).isEmpty();
        assertThatThrownBy(broken::verifierIfConfigured).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BRIGADE_SIGNING_TRUSTED_CERTS");
    }

    @Test
    void theEndOfUnsignedHistoryIsReadAsPartitionOffsetPairs() {
        assertThat(new SigningKeys(config(null, null, "registry-signing", null, List.of("0:1842", " 1:7")))
                .unsignedHistoryEnd()).isEqualTo(java.util.Map.of(0, 1842L, 1, 7L));
        assertThat(new SigningKeys(config(null, null, "registry-signing", null)).unsignedHistoryEnd()).isEmpty();
        assertThatThrownBy(() -> new SigningKeys(config(null, null, "registry-signing", null, List.of("1842")))
                .unsignedHistoryEnd()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BRIGADE_SIGNING_UNSIGNED_HISTORY_END");
    }

    @Test
    void aCompleteConfigurationGivesSignerAndVerifierOfTheSameKey() {
        // Given the test keystore and, with spaces after the comma, both certificates of a rotation
        SigningKeys keys = new SigningKeys(config(DIR + "registry-signing.p12", "brigade-test", "registry-signing",
                List.of(DIR + "registry-signing.pem", " " + DIR + "registry-signing-next.pem")));

        // Then the signer's key is one the verifier trusts
        assertThat(keys.verifier().trusts(keys.signer().keyId())).isTrue();
        assertThat(keys.verifier().keyIds()).hasSize(2);
    }

    private static SigningConfig config(String keystore, String password, String alias, List<String> certs) {
        return config(keystore, password, alias, certs, null);
    }

    private static SigningConfig config(String keystore, String password, String alias, List<String> certs,
            List<String> historyEnd) {
        return new SigningConfig() {
            @Override
            public Optional<String> keystore() {
                return Optional.ofNullable(keystore);
            }

            @Override
            public Optional<String> keystorePassword() {
                return Optional.ofNullable(password);
            }

            @Override
            public String keyAlias() {
                return alias;
            }

            @Override
            public Optional<List<String>> trustedCerts() {
                return Optional.ofNullable(certs);
            }

            @Override
            public Optional<List<String>> unsignedHistoryEnd() {
                return Optional.ofNullable(historyEnd);
            }
        };
    }
}
