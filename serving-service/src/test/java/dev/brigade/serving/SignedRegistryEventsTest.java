package dev.brigade.serving;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.AliasMoved;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.signing.RecordSigner;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 22: a champion move written to registry-events by anyone but the registry does not change what serving
 * answers with. Unsigned or signed with an untrusted key, the forged AliasMoved is refused, dead-lettered with its
 * reason and counted; the next signed record is still folded.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeUpstreams.class)
class SignedRegistryEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @BeforeEach
    void open() {
        Api.init();
        Upstreams.mode("ok");
        Upstreams.features(Fixtures.FEATURE_SET, "*", Map.of("online", true, "txn_count_10m", 2L,
                "amount_sum_24h", 300.0));
    }

    @Test
    void anUnsignedChampionMoveIsRefusedAndServingKeepsAnsweringWithTheChampion() {
        forgedChampionMoveIsRefused("fraud-unsigned", null, "UNSIGNED");
    }

    @Test
    void aChampionMoveSignedWithAnUntrustedKeyIsRefusedAndServingKeepsAnsweringWithTheChampion() {
        forgedChampionMoveIsRefused("fraud-untrusted", TestKeys.untrusted(), "UNKNOWN_KEY");
    }

    private void forgedChampionMoveIsRefused(String useCase, RecordSigner forger, String reason) {
        // Given v1 champion, serving, and a loaded v2 that is not
        Fixtures.Registry registry = new Fixtures.Registry(useCase).register(500);
        int v1 = registry.version(Fixtures.bytes(11), ModelRole.CANDIDATE);
        int v2 = registry.version(Fixtures.bytes(12), ModelRole.CANDIDATE);
        registry.promote(ModelAlias.CHAMPION, null, v1, null);
        Api.awaitServing(useCase, "champion", v1);
        double before = refused(reason);

        // When a forged AliasMoved champion v1 -> v2 is written to the topic, followed by a signed shadow move
        String eventId = "forged-" + UUID.randomUUID();
        TestKeys.send(Topics.REGISTRY_EVENTS, useCase, registry.encoded(eventId,
                new AliasMoved(ModelAlias.CHAMPION, v1, v2, null, AliasMoveKind.PROMOTE)), forger);
        registry.promote(ModelAlias.SHADOW, null, v2, null);

        // Then the signed move after it is folded (the follower did not stall) and the champion did not move
        Api.awaitServing(useCase, "shadow", v2);
        assertThat(Api.serving(useCase).get("champion")).isEqualTo(v1);
        assertThat(Api.score(useCase, Api.request("evt-" + UUID.randomUUID(), "card-1", Map.of("amount", 10.0)))
                .then().statusCode(200).extract().jsonPath().getInt("model.version")).isEqualTo(v1);

        // And the forged record is in registry-events.dlq with its reason, and counted
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            List<ConsumerRecord<String, byte[]>> letters = probe.read(Topics.dlq(Topics.REGISTRY_EVENTS),
                    r -> useCase.equals(r.key()), 1, WAIT);
            assertThat(letters).singleElement().satisfies(letter -> assertThat(
                    KafkaProbe.header(letter, "dead-letter-reason")).startsWith(reason + ": ").contains(eventId));
        }
        assertThat(refused(reason)).isEqualTo(before + 1);
    }

    /** brigade_events_signature_refused_total of registry-events for this reason, as Prometheus scrapes it. */
    private static double refused(String reason) {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("brigade_events_signature_refused_total{")
                        && line.contains("reason=\"" + reason + "\"")
                        && line.contains("topic=\"" + Topics.REGISTRY_EVENTS + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }
}
