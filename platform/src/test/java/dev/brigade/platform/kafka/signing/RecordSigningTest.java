package dev.brigade.platform.kafka.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.brigade.platform.kafka.signing.RecordVerifier.Reason;
import dev.brigade.platform.kafka.signing.RecordVerifier.Refusal;

/** RecordSigner and RecordVerifier: what a signature covers, every refusal, files made by keytool, rotation. */
class RecordSigningTest {

    private static final Path KEYS = Path.of("src/test/resources/signing");
    private static final char[] PASSWORD = "brigade-test".toCharArray();
    private static final byte[] VALUE = "an AliasMoved, encoded".getBytes(StandardCharsets.UTF_8);

    private final RecordSigner current = RecordSigner.fromKeystore(KEYS.resolve("registry-signing.p12"), PASSWORD,
            "registry-signing");
    private final RecordSigner next = RecordSigner.fromKeystore(KEYS.resolve("registry-signing-next.p12"), PASSWORD,
            "registry-signing-next");
    private final RecordSigner untrusted = RecordSigner.fromKeystore(KEYS.resolve("untrusted.p12"), PASSWORD,
            "untrusted");
    private final RecordVerifier verifier = RecordVerifier.fromCertificates(List.of(KEYS.resolve("registry-signing.pem")));

    @Test
    void aRecordSignedWithTheTrustedKeyVerifies() {
        // Given a record signed by the keystore's key
        Headers headers = signed(current, "delivery-eta", VALUE);

        // When it is checked against the certificate exported from the same keystore
        Optional<Refusal> refusal = verifier.check("delivery-eta", VALUE, headers);

        // Then it passes, and both headers are there
        assertThat(refusal).isEmpty();
        assertThat(new String(headers.lastHeader(SignedBytes.KEY_ID_HEADER).value(), StandardCharsets.US_ASCII))
                .isEqualTo(current.keyId()).hasSize(16).matches("[0-9a-f]{16}");
        assertThat(headers.lastHeader(SignedBytes.SIGNATURE_HEADER).value()).hasSize(64);
    }

    @Test
    void aTamperedValueIsABadSignature() {
        // Given a signed record whose value changed afterwards
        Headers headers = signed(current, "delivery-eta", VALUE);
        byte[] tampered = VALUE.clone();
        tampered[3] ^= 1;

        // When / Then
        assertThat(verifier.check("delivery-eta", tampered, headers)).map(Refusal::reason)
                .contains(Reason.BAD_SIGNATURE);
    }

    @Test
    void aTamperedKeyIsABadSignature() {
        // Given a record signed for one use case, moved to another
        Headers headers = signed(current, "delivery-eta", VALUE);

        // When / Then
        assertThat(verifier.check("card-fraud", VALUE, headers)).map(Refusal::reason).contains(Reason.BAD_SIGNATURE);
    }

    @Test
    void bytesCannotMoveBetweenKeyAndValue() {
        // Given key "ab" + value "c" signed
        Headers headers = signed(current, "ab", "c".getBytes(StandardCharsets.UTF_8));

        // When the same bytes are split differently, or a null key stands for an empty one
        Optional<Refusal> shifted = verifier.check("a", "bc".getBytes(StandardCharsets.UTF_8), headers);
        Optional<Refusal> nullKey = verifier.check(null, VALUE, signed(current, "", VALUE));

        // Then neither verifies
        assertThat(shifted).map(Refusal::reason).contains(Reason.BAD_SIGNATURE);
        assertThat(nullKey).map(Refusal::reason).contains(Reason.BAD_SIGNATURE);
        assertThat(SignedBytes.of("ab", "c".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(SignedBytes.of("a", "bc".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRecordSignedWithAKeyNobodyTrustsIsAnUnknownKey() {
        // When a record is signed with a key whose certificate is not trusted
        Optional<Refusal> refusal = verifier.check("delivery-eta", VALUE, signed(untrusted, "delivery-eta", VALUE));

        // Then it is refused as unknown, naming the key id
        assertThat(refusal).map(Refusal::reason).contains(Reason.UNKNOWN_KEY);
        assertThat(refusal.get().detail()).contains(untrusted.keyId());
    }

    @Test
    void aWrongKeyUnderATrustedKeyIdIsABadSignature() {
        // Given a forger who signs with their own key but claims the trusted key id
        Headers headers = signed(untrusted, "delivery-eta", VALUE);
        headers.remove(SignedBytes.KEY_ID_HEADER);
        headers.add(SignedBytes.KEY_ID_HEADER, current.keyId().getBytes(StandardCharsets.US_ASCII));

        // When / Then
        assertThat(verifier.check("delivery-eta", VALUE, headers)).map(Refusal::reason)
                .contains(Reason.BAD_SIGNATURE);
    }

    @Test
    void missingHeadersAreUnsigned() {
        // Given no headers, a key id without signature, a signature without key id, a malformed signature
        Headers none = new RecordHeaders();
        Headers keyIdOnly = signed(current, "delivery-eta", VALUE);
        keyIdOnly.remove(SignedBytes.SIGNATURE_HEADER);
        Headers signatureOnly = signed(current, "delivery-eta", VALUE);
        signatureOnly.remove(SignedBytes.KEY_ID_HEADER);
        Headers shortSignature = signed(current, "delivery-eta", VALUE);
        shortSignature.remove(SignedBytes.SIGNATURE_HEADER);
        shortSignature.add(SignedBytes.SIGNATURE_HEADER, new byte[3]);

        // When / Then
        assertThat(verifier.check("delivery-eta", VALUE, none)).map(Refusal::reason).contains(Reason.UNSIGNED);
        assertThat(verifier.check("delivery-eta", VALUE, keyIdOnly)).map(Refusal::reason).contains(Reason.UNSIGNED);
        assertThat(verifier.check("delivery-eta", VALUE, signatureOnly)).map(Refusal::reason)
                .contains(Reason.UNSIGNED);
        assertThat(verifier.check("delivery-eta", VALUE, shortSignature)).map(Refusal::reason)
                .contains(Reason.BAD_SIGNATURE);
    }

    @Test
    void aRotationTrustsOldAndNewUntilTheOldCertificateIsDropped() {
        // Given records signed with the old key and with the new one
        Headers old = signed(current, "delivery-eta", VALUE);
        Headers renewed = signed(next, "delivery-eta", VALUE);

        // When both certificates are trusted
        RecordVerifier during = RecordVerifier.fromCertificates(List.of(KEYS.resolve("registry-signing.pem"),
                KEYS.resolve("registry-signing-next.pem")));
        // and later only the new one
        RecordVerifier after = RecordVerifier.fromCertificates(List.of(KEYS.resolve("registry-signing-next.pem")));

        // Then both verify during the rotation, and the old key's record is refused after it
        assertThat(during.check("delivery-eta", VALUE, old)).isEmpty();
        assertThat(during.check("delivery-eta", VALUE, renewed)).isEmpty();
        assertThat(after.check("delivery-eta", VALUE, renewed)).isEmpty();
        assertThat(after.check("delivery-eta", VALUE, old)).map(Refusal::reason).contains(Reason.UNKNOWN_KEY);
        assertThat(during.keyIds()).containsExactlyInAnyOrder(current.keyId(), next.keyId());
    }

    @Test
    void aGeneratedKeyPairSignsAndVerifiesToo() throws Exception {
        // Given an Ed25519 pair made in memory
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        RecordSigner signer = new RecordSigner(pair.getPrivate(), pair.getPublic());

        // When / Then
        assertThat(new RecordVerifier(List.of(pair.getPublic())).check("k", VALUE, signed(signer, "k", VALUE)))
                .isEmpty();
        assertThat(signer.keyId()).isEqualTo(SignedBytes.keyId(pair.getPublic()));
    }

    @Test
    void unreadableKeyMaterialIsRefusedByName() {
        assertThatThrownBy(() -> RecordSigner.fromKeystore(KEYS.resolve("missing.p12"), PASSWORD, "registry-signing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.p12");
        assertThatThrownBy(() -> RecordSigner.fromKeystore(KEYS.resolve("registry-signing.p12"),
                "wrong".toCharArray(), "registry-signing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong password");
        assertThatThrownBy(() -> RecordSigner.fromKeystore(KEYS.resolve("registry-signing.p12"), PASSWORD, "other"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key entry 'other'");
        assertThatThrownBy(() -> RecordVerifier.fromCertificates(List.of(KEYS.resolve("README.md"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("README.md");
    }

    private static Headers signed(RecordSigner signer, String key, byte[] value) {
        Headers headers = new RecordHeaders();
        signer.sign(key, value, headers);
        return headers;
    }
}
