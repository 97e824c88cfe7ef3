package dev.brigade.registry.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaProbe;
import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.registry.Fixtures;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.TestKeys;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.mapping.RegistryEventMapper;
import dev.brigade.registry.mapping.RegistryJson;
import dev.brigade.registry.service.RegistryException;
import dev.brigade.registry.service.RegistryWriter;
import dev.brigade.registry.service.SpecValidator;

/** The writer and the replay on their own topic of the real broker: transactions, fencing, read-your-writes. */
class RegistryLogTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String bootstrap = SharedKafkaBroker.bootstrapServers();
    private final KafkaClients clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", bootstrap)));
    private String topic;

    @BeforeEach
    void ownTopic() throws Exception {
        topic = "registry-log-test-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(topic + ".dlq", 1, (short) 1)))
                    .all().get();
        }
    }

    @Test
    void aSecondWriterWithTheSameIdFencesTheFirst() throws Exception {
        // Given a writer that has written the first spec of a use case
        String id = "writer-" + topic;
        try (RegistryWriter first = new RegistryWriter(clients, topic, id, Duration.ofSeconds(10), TestKeys.trusted());
                RegistryLogReader reader = new RegistryLogReader(clients, topic, false,
                        TestKeys.gate(), RegistryLogReader.Listener.NONE)) {
            first.write(List.of(RegistryEventMapper.toAvro(spec("fenced", 1))));

            // When a second instance starts its writer with the same transactional id
            try (RegistryWriter second = new RegistryWriter(clients, topic, id, Duration.ofSeconds(10), TestKeys.trusted())) {

                // Then the first can no longer write, says so, and the second can
                assertThatThrownBy(() -> first.write(List.of(RegistryEventMapper.toAvro(spec("fenced", 2)))))
                        .isInstanceOfSatisfying(RegistryException.class,
                                e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE))
                        .hasMessageContaining("fenced");
                assertThat(first.fenced()).isTrue();
                RecordMetadata written = second.write(List.of(RegistryEventMapper.toAvro(spec("fenced", 2)))).get(0);

                // And the log holds exactly the two committed specs, in order
                reader.start();
                assertThat(reader.awaitCaughtUp(WAIT)).isTrue();
                assertThat(reader.awaitApplied(written.partition(), written.offset(), WAIT)).isTrue();
                assertThat(reader.state().useCase("fenced").orElseThrow().specs()).hasSize(2);
                assertThat(reader.status().refused()).isZero();
            }
        }
    }

    @Test
    void theReplayFoldsWritesAsTheyLandAndDeadLettersWhatItRefuses() throws Exception {
        // Given a running replay of an empty log, with dead letters
        try (RegistryLogReader reader = new RegistryLogReader(clients, topic, true, TestKeys.gate(),
                RegistryLogReader.Listener.NONE);
                RegistryWriter writer = new RegistryWriter(clients, topic, "writer-" + topic, Duration.ofSeconds(10),
                        TestKeys.trusted());
                KafkaProbe probe = new KafkaProbe(bootstrap)) {
            assertThat(reader.caughtUp()).isFalse();
            reader.start();
            assertThat(reader.awaitCaughtUp(WAIT)).isTrue();

            // When a spec is written, then a second "version 1" of the same spec (a conflicting write), in one
            // transaction each
            RecordMetadata good = writer.write(List.of(RegistryEventMapper.toAvro(spec("folded", 1)))).get(0);
            RegistryChange conflicting = spec("folded", 1);
            RecordMetadata bad = writer.write(List.of(RegistryEventMapper.toAvro(conflicting))).get(0);

            // Then the first is applied, the second refused with its reason and dead-lettered with it
            assertThat(reader.awaitApplied(good.partition(), good.offset(), WAIT)).isTrue();
            assertThat(reader.awaitApplied(bad.partition(), bad.offset(), WAIT)).isTrue();
            assertThat(reader.state().useCase("folded").orElseThrow().specs()).hasSize(1);
            assertThat(reader.rejection(conflicting.eventId())).hasValueSatisfying(
                    reason -> assertThat(reason).contains("spec version 1 where 2 comes next"));
            assertThat(probe.read(topic + ".dlq", r -> true, 1, WAIT)).singleElement().satisfies(letter -> {
                assertThat(KafkaProbe.header(letter, "dead-letter-reason")).startsWith("REJECTED: spec version 1");
                assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(bad.offset()));
            });
        }
    }

    private static RegistryChange spec(String name, int version) {
        UseCaseSpec spec = SpecValidator.validate(RegistryJson.parseDocument(Fixtures.specYaml("card-fraud.yaml",
                name), true), name).spec();
        return new RegistryChange(UUID.randomUUID().toString(), name, Instant.now(), "tester", null,
                new RegistryChange.SpecAdded(version, spec, RegistryJson.sha256(RegistryJson.canonical(spec))));
    }
}
