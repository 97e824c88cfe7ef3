package dev.brigade.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.TaskType;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.support.Fixtures;
import dev.brigade.platform.kafka.signing.SignatureGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 22: the monitor's view of the registry (rules, owners, reference profiles) changes only through records the
 * registry signed. Forged ones are refused, dead-lettered with their reason and counted; the view goes on.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class SignedRegistryEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RegistryView registry;

    @Inject
    MeterRegistry meters;

    @Test
    void forgedRegistryEventsDoNotReachTheViewAndTheNextSignedOneDoes() throws Exception {
        // Given the refusal counts so far
        double unsigned = refused("UNSIGNED");
        double unknown = refused("UNKNOWN_KEY");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String unsignedName = "forged-unsigned-" + suffix;
        String untrustedName = "forged-untrusted-" + suffix;
        String genuine = "genuine-" + suffix;

        // When use cases are registered on registry-events unsigned, under a key nobody trusts, and then signed
        try (Fixtures fixtures = new Fixtures(bootstrapServers)) {
            fixtures.send(Topics.REGISTRY_EVENTS, unsignedName, useCase(unsignedName), null);
            fixtures.send(Topics.REGISTRY_EVENTS, untrustedName, useCase(untrustedName), Fixtures.untrustedKey());
            fixtures.useCase(genuine, "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION);
            fixtures.flush();
        }

        // Then the signed one is in the view and the forged ones are not
        await().atMost(WAIT).until(() -> registry.useCase(genuine).isPresent());
        assertThat(registry.useCase(unsignedName)).isEmpty();
        assertThat(registry.useCase(untrustedName)).isEmpty();

        // And both are in registry-events.dlq with their reason, and counted
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            assertThat(probe.read(Topics.dlq(Topics.REGISTRY_EVENTS), r -> unsignedName.equals(r.key()), 1, WAIT))
                    .singleElement().satisfies(letter -> assertThat(KafkaProbe.header(letter, "dead-letter-reason"))
                            .startsWith("UNSIGNED: "));
            assertThat(probe.read(Topics.dlq(Topics.REGISTRY_EVENTS), r -> untrustedName.equals(r.key()), 1, WAIT))
                    .singleElement().satisfies(letter -> assertThat(KafkaProbe.header(letter, "dead-letter-reason"))
                            .startsWith("UNKNOWN_KEY: "));
        }
        assertThat(refused("UNSIGNED")).isEqualTo(unsigned + 1);
        assertThat(refused("UNKNOWN_KEY")).isEqualTo(unknown + 1);
    }

    private static byte[] useCase(String name) throws Exception {
        return EventCodec.of(RegistryEvent.class).encode(RegistryEvent.newBuilder().setEventId("uc-" + name)
                .setUseCase(name).setOccurredAt(Instant.now()).setActor("intruder").setWhy("forged")
                .setPayload(new UseCaseRegistered(1, TaskType.BINARY_CLASSIFICATION, "set", 1,
                        Fixtures.spec("card-fraud.yaml", name), "sha"))
                .build());
    }

    private double refused(String reason) {
        return meters.get(SignatureGate.METRIC).tags("topic", Topics.REGISTRY_EVENTS, "reason", reason).counter()
                .count();
    }
}
