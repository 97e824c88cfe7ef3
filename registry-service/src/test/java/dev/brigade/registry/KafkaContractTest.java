package dev.brigade.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.registry.mapping.RegistryEventMapper;
import dev.brigade.registry.mapping.RegistryJson;
import dev.brigade.registry.service.SpecValidator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The registry-service against a real broker: its events on the wire, its dead-letter path, its probes. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class KafkaContractTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00.250Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private KafkaProbe probe;

    @BeforeEach
    void openProbe() {
        probe = new KafkaProbe(bootstrapServers);
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    @Test
    void publishesItsEventsInTheContractEncoding() {
        // Given a use case registered through the API by rita
        String name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().preemptive().basic("rita", "rita-local").contentType("application/yaml")
                .body(Fixtures.specYaml("card-fraud.yaml", name).getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/use-cases/" + name).then().statusCode(201);

        // Then registry-events holds a UseCaseRegistered for it, readable by the contract's codec, with the actor
        EventCodec<RegistryEvent> codec = EventCodec.of(RegistryEvent.class);
        List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.REGISTRY_EVENTS,
                r -> name.equals(r.key()), 1, WAIT);
        assertThat(records).hasSize(1);
        RegistryEvent event = codec.decode(records.get(0).value());
        // signed with the registry's key, so every reader can verify it
        assertThat(TestKeys.verifier().check(records.get(0).key(), records.get(0).value(),
                records.get(0).headers())).isEmpty();
        assertThat(event.getUseCase()).isEqualTo(name);
        assertThat(event.getActor()).isEqualTo("rita");
        assertThat(event.getPayload()).isInstanceOfSatisfying(UseCaseRegistered.class, registered -> {
            assertThat(registered.getSpecVersion()).isEqualTo(1);
            assertThat(registered.getFeatureSet()).isEqualTo("card-activity");
            assertThat(registered.getSpecSha256()).isEqualTo(RegistryJson.sha256(registered.getSpec()));
        });
    }

    @Test
    void aCorruptRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() {
        // Given a good event, a corrupt record and another good event, in that order on one partition
        EventCodec<RegistryEvent> codec = EventCodec.of(RegistryEvent.class);
        String key = "contract-" + UUID.randomUUID();
        double consumedBefore = consumedCount();
        byte[] corrupt = Arrays.copyOf(codec.encode(goodEvent()), 14);

        // When they are sent to the service's input topic, the good ones signed as the registry signs
        RecordMetadata poison;
        try (TestKeys.Producer signed = new TestKeys.Producer(bootstrapServers)) {
            signed.send(Topics.REGISTRY_EVENTS, key, codec.encode(goodEvent()));
            poison = signed.send(Topics.REGISTRY_EVENTS, key, corrupt);
            signed.send(Topics.REGISTRY_EVENTS, key, codec.encode(goodEvent()));
        }

        // Then the corrupt bytes land, unchanged, in the dead-letter topic with where they came from and why
        List<ConsumerRecord<String, byte[]>> dead = probe.read(Topics.dlq(Topics.REGISTRY_EVENTS),
                r -> key.equals(r.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> letter = dead.get(0);
        assertThat(letter.value()).isEqualTo(corrupt);
        assertThat(KafkaProbe.header(letter, "dead-letter-reason")).contains("CORRUPT_BODY");
        assertThat(KafkaProbe.header(letter, "deserialization-failure-cause")).contains("EOFException");
        assertThat(KafkaProbe.header(letter, "dead-letter-topic")).isEqualTo(Topics.REGISTRY_EVENTS);
        assertThat(KafkaProbe.header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(poison.partition()));
        assertThat(KafkaProbe.header(letter, "dead-letter-offset")).isEqualTo(Long.toString(poison.offset()));

        // And both good events were processed: the replay did not stall on the poison record
        await().atMost(WAIT).untilAsserted(() -> assertThat(consumedCount()).isEqualTo(consumedBefore + 2));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("registry-events replay"));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void theReplayConsumersLagIsInTheMetrics() {
        // Given the running replay, When /q/metrics is scraped, Then its consumer's lag is there under its client id
        await().atMost(WAIT).untilAsserted(() -> assertThat(given().when().get("/q/metrics").then().statusCode(200)
                .extract().asString().lines())
                .anyMatch(line -> line.startsWith("kafka_consumer_fetch_manager_records_lag_max{")
                        && line.contains("client_id=\"registry-replay\"")));
    }

    /** A valid first spec version of a fresh use case, as another registry instance would have written it. */
    private static RegistryEvent goodEvent() {
        String name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        UseCaseSpec spec = SpecValidator.validate(RegistryJson.parseDocument(Fixtures.specYaml("card-fraud.yaml",
                name), true), name).spec();
        return RegistryEventMapper.toAvro(new RegistryChange("evt-" + UUID.randomUUID(), name, T0, "contract-test",
                null, new RegistryChange.SpecAdded(1, spec, RegistryJson.sha256(RegistryJson.canonical(spec)))));
    }

    /** The service's own count of applied input events, read from /q/metrics as Prometheus scrapes it. */
    private double consumedCount() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("brigade_events_consumed_total{")
                        && line.contains("topic=\"" + Topics.REGISTRY_EVENTS + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }
}
