package dev.brigade.registry;

import static dev.brigade.registry.Api.approve;
import static dev.brigade.registry.Api.fresh;
import static dev.brigade.registry.Api.move;
import static dev.brigade.registry.Api.putSpec;
import static dev.brigade.registry.Api.register;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.AliasMoved;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.signing.RecordSigner;
import dev.brigade.platform.kafka.signing.SignatureGate;
import dev.brigade.registry.listener.RegistryReplay;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 22: writing to registry-events is not enough to move a champion. A forged AliasMoved that is unsigned,
 * signed with a key nobody trusts, or whose signature belongs to other bytes is not folded, lands in
 * registry-events.dlq with its reason and is counted; the replay goes on with the next record.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class SignedRegistryEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EventCodec<RegistryEvent> CODEC = EventCodec.of(RegistryEvent.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RegistryReplay replay;

    @Inject
    MeterRegistry meters;

    @Test
    void anUnsignedAliasMovedDoesNotMoveTheChampion() throws Exception {
        // Given delivery-eta-like use case with champion v1 and a registered v2
        String name = championOneAndVersionTwo();
        double before = refused("UNSIGNED");

        // When someone with write access to the topic appends an unsigned AliasMoved champion v1 -> v2
        String eventId = "forged-" + UUID.randomUUID();
        RecordMetadata forged = send(name, forgedPromotion(eventId, name), null);

        // Then the champion stays v1, the record is in the dead-letter topic with its reason, and it is counted
        assertRefused(name, forged, eventId, "UNSIGNED");
        assertThat(refused("UNSIGNED")).isEqualTo(before + 1);
    }

    @Test
    void anAliasMovedSignedWithAnUntrustedKeyDoesNotMoveTheChampion() throws Exception {
        String name = championOneAndVersionTwo();
        double before = refused("UNKNOWN_KEY");

        // When the forger signs with a well-formed key of their own
        String eventId = "forged-" + UUID.randomUUID();
        RecordMetadata forged = send(name, forgedPromotion(eventId, name), TestKeys.untrusted());

        // Then
        assertRefused(name, forged, eventId, "UNKNOWN_KEY");
        assertThat(refused("UNKNOWN_KEY")).isEqualTo(before + 1);
    }

    @Test
    void aTrustedSignatureCopiedOntoOtherBytesDoesNotMoveTheChampion() throws Exception {
        String name = championOneAndVersionTwo();
        double before = refused("BAD_SIGNATURE");

        // When the headers of a validly signed record are put on a forged value
        String eventId = "forged-" + UUID.randomUUID();
        byte[] value = forgedPromotion(eventId, name);
        RecordHeaders stolen = new RecordHeaders();
        TestKeys.trusted().sign(name, forgedPromotion("other-" + eventId, name), stolen);
        RecordMetadata forged;
        try (TestKeys.Producer producer = new TestKeys.Producer(bootstrapServers)) {
            forged = producer.send(Topics.REGISTRY_EVENTS, name, value, stolen);
        }

        // Then
        assertRefused(name, forged, eventId, "BAD_SIGNATURE");
        assertThat(refused("BAD_SIGNATURE")).isEqualTo(before + 1);
    }

    @Test
    void theSameAliasMovedSignedWithTheRegistrysKeyIsFoldedAndTheReplayWentOnAfterRefusals() throws Exception {
        // Given a forged, unsigned record first (the fold must not stall on it)
        String name = championOneAndVersionTwo();
        send(name, forgedPromotion("forged-" + UUID.randomUUID(), name), null);

        // When the same move arrives signed with the trusted key (what the registry itself writes)
        RecordMetadata signed = send(name, forgedPromotion("signed-" + UUID.randomUUID(), name), TestKeys.trusted());

        // Then it is folded: the test above is not passing because the move itself was refused
        assertThat(replay.reader().awaitApplied(signed.partition(), signed.offset(), WAIT)).isTrue();
        assertThat(replay.state().useCase(name).orElseThrow().champion().version()).isEqualTo(2);
    }

    @Test
    void theRefusalCounterIsExposedForEveryReasonFromTheStart() {
        assertThat(given().when().get("/q/metrics").then().statusCode(200).extract()
                .asString().lines().filter(l -> l.startsWith("brigade_events_signature_refused_total{")))
                .anyMatch(l -> l.contains("reason=\"UNSIGNED\"") && l.contains("topic=\"registry-events\""))
                .anyMatch(l -> l.contains("reason=\"UNKNOWN_KEY\""))
                .anyMatch(l -> l.contains("reason=\"BAD_SIGNATURE\""));
    }

    private void assertRefused(String name, RecordMetadata forged, String eventId, String reason)
            throws InterruptedException {
        assertThat(replay.reader().awaitApplied(forged.partition(), forged.offset(), WAIT)).isTrue();
        assertThat(replay.state().useCase(name).orElseThrow().champion().version()).isEqualTo(1);
        // a forged record never speaks for a write: its event id is not among the writer's rejections
        assertThat(replay.reader().rejection(eventId)).isEmpty();
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            List<ConsumerRecord<String, byte[]>> letters = probe.read(Topics.dlq(Topics.REGISTRY_EVENTS),
                    r -> name.equals(r.key()), 1, WAIT);
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(KafkaProbe.header(letter, "dead-letter-reason")).startsWith(reason + ": ")
                        .contains(eventId);
                assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(forged.offset()));
            });
        }
    }

    private double refused(String reason) {
        return meters.get(SignatureGate.METRIC).tags("topic", Topics.REGISTRY_EVENTS, "reason", reason).counter()
                .count();
    }

    private RecordMetadata send(String key, byte[] value, RecordSigner signer) {
        try (TestKeys.Producer producer = new TestKeys.Producer(bootstrapServers)) {
            return producer.send(Topics.REGISTRY_EVENTS, key, value, signer);
        }
    }

    private static byte[] forgedPromotion(String eventId, String name) {
        return CODEC.encode(RegistryEvent.newBuilder().setEventId(eventId).setUseCase(name)
                .setOccurredAt(Instant.now()).setActor("intruder").setWhy("forged")
                .setPayload(new AliasMoved(ModelAlias.CHAMPION, 1, 2, null, AliasMoveKind.PROMOTE)).build());
    }

    private static String championOneAndVersionTwo() {
        String name = fresh("signed");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        register("rita", name, Fixtures.cardArtifact(801), Fixtures.card().json()).then().statusCode(201);
        approve("alice", name, 1).then().statusCode(200);
        move("dave", name, "shadow", 1, null).then().statusCode(200);
        move("dave", name, "champion", 1, null).then().statusCode(200);
        register("rita", name, Fixtures.cardArtifact(802), Fixtures.card().comparedWith(1, 0.01, 0.004, 0.016)
                .business(0.40, 0.45).json()).then().statusCode(201);
        return name;
    }
}
