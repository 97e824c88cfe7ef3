package dev.brigade.registry;

import static dev.brigade.registry.Api.approve;
import static dev.brigade.registry.Api.fresh;
import static dev.brigade.registry.Api.move;
import static dev.brigade.registry.Api.putSpec;
import static dev.brigade.registry.Api.register;
import static dev.brigade.registry.Api.rollback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.VersionArchived;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.registry.listener.RegistryLogReader;
import dev.brigade.registry.listener.RegistryReplay;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Kafka is the system of record: folding registry-events again from offset 0 rebuilds exactly the same state. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ReplayRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RegistryReplay replay;

    @Inject
    KafkaClients clients;

    @Test
    void aSecondFoldOfTheLogRebuildsTheSameState() throws Exception {
        // Given a history with specs, versions, gates, approvals, promotions and a rollback, plus records the fold
        // refuses (a corrupt one, and a signed archive of a version that does not exist)
        String name = history();
        try (TestKeys.Producer probe = new TestKeys.Producer(bootstrapServers)) {
            probe.send(Topics.REGISTRY_EVENTS, name, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
            probe.send(Topics.REGISTRY_EVENTS, name, EventCodec.of(RegistryEvent.class).encode(RegistryEvent
                    .newBuilder().setEventId("evt-bogus-" + name).setUseCase(name)
                    .setOccurredAt(java.time.Instant.now()).setActor("intruder").setPayload(new VersionArchived(99))
                    .build()));
        }

        // When a new replay, as at a restart, folds registry-events from offset 0
        try (RegistryLogReader restarted = new RegistryLogReader(clients, Topics.REGISTRY_EVENTS, false,
                TestKeys.gate(), RegistryLogReader.Listener.NONE)) {
            restarted.start();
            assertThat(restarted.awaitCaughtUp(WAIT)).isTrue();

            // Then its state equals the live one, use case for use case, and the refused records were skipped
            await().atMost(WAIT).untilAsserted(() -> assertThat(restarted.state().snapshot())
                    .isEqualTo(replay.state().snapshot()));
            UseCase rebuilt = restarted.state().useCase(name).orElseThrow();
            assertThat(rebuilt.champion().version()).isEqualTo(1);
            assertThat(rebuilt.aliasHistory()).hasSize(6);
            assertThat(rebuilt.version(2).orElseThrow().gate().championVersion()).isEqualTo(1);
            assertThat(rebuilt.versions()).noneMatch(ModelVersion::archived);
            assertThat(restarted.rejection("evt-bogus-" + name)).hasValueSatisfying(
                    reason -> assertThat(reason).contains("archive of unknown version 99"));
        }
    }

    @Test
    void aRestartDoesNotDeadLetterTheSameRecordTwice() throws Exception {
        // Given a corrupt record the live replay has dead-lettered
        String key = fresh("poison");
        RecordMetadata poison;
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            poison = probe.send(Topics.REGISTRY_EVENTS, key, Arrays.copyOf(new byte[] {(byte) 0xC3, 0x01}, 12));
            assertThat(deadLetters(probe, key, 1, WAIT)).hasSize(1);
        }

        // When a replay with its own dead-letter writer (a restarted instance) folds the log again
        AtomicLong refused = new AtomicLong();
        try (RegistryLogReader restarted = new RegistryLogReader(clients, Topics.REGISTRY_EVENTS,
                        true, TestKeys.gate(), new RegistryLogReader.Listener() {
                            @Override
                            public void applied(RegistryChange change) {
                            }

                            @Override
                            public void refused(String reason) {
                                refused.incrementAndGet();
                            }
                        })) {
            restarted.start();
            assertThat(restarted.awaitCaughtUp(WAIT)).isTrue();
            assertThat(restarted.awaitApplied(poison.partition(), poison.offset(), WAIT)).isTrue();
        }

        // Then it skipped the record again, but the dead-letter topic still holds it once
        assertThat(refused.get()).isPositive();
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            assertThat(deadLetters(probe, key, 2, Duration.ofSeconds(3))).hasSize(1);
        }
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters(KafkaProbe probe, String key, int count,
            Duration wait) {
        return probe.read(Topics.dlq(Topics.REGISTRY_EVENTS), r -> key.equals(r.key()), count, wait);
    }

    private static String history() {
        String name = fresh("restart");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        register("rita", name, Fixtures.cardArtifact(701), Fixtures.card().json()).then().statusCode(201);
        approve("alice", name, 1).then().statusCode(200);
        move("dave", name, "shadow", 1, null).then().statusCode(200);
        move("dave", name, "champion", 1, null).then().statusCode(200);
        register("rita", name, Fixtures.cardArtifact(702), Fixtures.card().comparedWith(1, 0.01, 0.004, 0.016)
                .business(0.40, 0.45).json()).then().statusCode(201);
        approve("alice", name, 2).then().statusCode(200);
        move("dave", name, "shadow", 2, null).then().statusCode(200);
        move("dave", name, "canary", 2, 10.0).then().statusCode(200);
        move("dave", name, "champion", 2, null).then().statusCode(200);
        rollback("dave", name, "restart test").then().statusCode(200);
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name).replace("cooldown: 6h", "cooldown: 8h"))
                .then().statusCode(201);
        return name;
    }
}
