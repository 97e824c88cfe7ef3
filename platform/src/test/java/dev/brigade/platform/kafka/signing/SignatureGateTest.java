package dev.brigade.platform.kafka.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.brigade.events.LabelEvent;
import dev.brigade.platform.kafka.TopicReplay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The gate in front of a fold: what passes, what is refused with which text, what is counted. */
class SignatureGateTest {

    private static final Path KEYS = Path.of("src/test/resources/signing");
    private static final String TOPIC = "registry-events";
    private static final byte[] VALUE = "encoded event".getBytes(StandardCharsets.UTF_8);

    private final RecordSigner trusted = RecordSigner.fromKeystore(KEYS.resolve("registry-signing.p12"),
            "brigade-test".toCharArray(), "registry-signing");
    private final RecordVerifier verifier = RecordVerifier.fromCertificates(List.of(KEYS.resolve(
            "registry-signing.pem")));
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<Long> folded = new ArrayList<>();

    @Test
    void aSignedRecordIsFoldedAndAnUnsignedOneRefusedWithItsReasonEventIdAndCount() {
        // Given a fold behind the gate
        TopicReplay.Fold<LabelEvent> fold = SignatureGate.counting(verifier, TOPIC, meters)
                .guard((event, record) -> folded.add(record.offset()), LabelEvent::getEventId);

        // When a signed record and an unsigned one arrive
        fold.apply(event("evt-1"), record(5, true));

        // Then the signed one is folded; the unsigned one is refused, with the reason first, and counted
        assertThatThrownBy(() -> fold.apply(event("evt-2"), record(6, false)))
                .isInstanceOf(TopicReplay.Refused.class).hasMessageStartingWith("UNSIGNED: ")
                .hasMessageContaining("event evt-2").hasMessageContaining("key uc");
        assertThat(folded).containsExactly(5L);
        assertThat(count("UNSIGNED")).isEqualTo(1.0);
        assertThat(count("UNKNOWN_KEY")).isZero();
        assertThat(count("BAD_SIGNATURE")).isZero();
    }

    @Test
    void unsignedHistoryFromBeforeSigningIsFoldedBelowItsEndOnly() {
        // Given an install upgraded at offset 100: records 0..99 were written unsigned
        TopicReplay.Fold<LabelEvent> fold = SignatureGate.counting(verifier, TOPIC, meters)
                .acceptingUnsignedBelow(Map.of(0, 100L))
                .guard((event, record) -> folded.add(record.offset()), LabelEvent::getEventId);

        // When an unsigned record of that history arrives, then an unsigned one after it, and a forged signature
        // inside the history
        fold.apply(event("old"), record(99, false));
        ConsumerRecord<String, byte[]> forgedInHistory = record(50, true);
        forgedInHistory.headers().remove(SignedBytes.SIGNATURE_HEADER);
        forgedInHistory.headers().add(SignedBytes.SIGNATURE_HEADER, new byte[64]);

        // Then only the history is folded
        assertThatThrownBy(() -> fold.apply(event("new"), record(100, false))).hasMessageStartingWith("UNSIGNED");
        assertThatThrownBy(() -> fold.apply(event("forged"), forgedInHistory)).hasMessageStartingWith(
                "BAD_SIGNATURE");
        assertThat(folded).containsExactly(99L);
    }

    private double count(String reason) {
        return meters.get(SignatureGate.METRIC).tags("topic", TOPIC, "reason", reason).counter().count();
    }

    private ConsumerRecord<String, byte[]> record(long offset, boolean signed) {
        RecordHeaders headers = new RecordHeaders();
        if (signed) {
            trusted.sign("uc", VALUE, headers);
        }
        return new ConsumerRecord<>(TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, 0, VALUE.length, "uc", VALUE,
                headers, Optional.empty());
    }

    private static LabelEvent event(String id) {
        return LabelEvent.newBuilder().setEventId(id).setEntityId("e").setLabel(1.0).setLabelTime(Instant.now())
                .build();
    }
}
