package dev.brigade.serving;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.TaskType;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.events.VersionArchived;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.serving.mapping.PredictionMapper;
import dev.brigade.serving.service.PredictionLog;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The serving-service against a real broker: its events on the wire, its dead-letter path, its probes. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(FakeUpstreams.class)
class KafkaContractTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00.250Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    PredictionLog publisher;

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
    void publishesItsEventsInTheContractEncoding() throws Exception {
        // Given a prediction as the scoring path logs it
        Prediction prediction = prediction("evt-" + UUID.randomUUID());

        // When the prediction log sends it (its own field-by-field writer, through its queue and sender thread)
        publisher.log(prediction);

        // Then the topic holds it, and the contract's codec reads it back as the PredictionLogged it stands for
        PredictionLogged event = PredictionMapper.toEvent(prediction);
        EventCodec<PredictionLogged> codec = EventCodec.of(PredictionLogged.class);
        List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.PREDICTIONS,
                r -> isEncodingOf(codec, r.value(), event), 1, WAIT);
        assertThat(records).hasSize(1);
    }

    @Test
    void aCorruptRegistryEventIsSkippedAndTheNextOneIsStillApplied() {
        // Given a good event, a corrupt record and another good event, in that order on one partition
        EventCodec<RegistryEvent> codec = EventCodec.of(RegistryEvent.class);
        String key = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        double appliedBefore = consumed("applied");
        double skippedBefore = consumed("skipped");
        byte[] corrupt = Arrays.copyOf(codec.encode(registryEvent("evt-corrupt", key)), 14);

        // When they are sent to registry-events (the registry itself dead-letters such records, once)
        TestKeys.send(Topics.REGISTRY_EVENTS, key, codec.encode(useCaseRegistered("evt-" + UUID.randomUUID(), key)));
        TestKeys.send(Topics.REGISTRY_EVENTS, key, corrupt);
        TestKeys.send(Topics.REGISTRY_EVENTS, key, codec.encode(registryEvent("evt-" + UUID.randomUUID(), key)));

        // Then the follower skipped the corrupt record, counted it, and applied both good events: it did not stall
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(consumed("applied")).isGreaterThanOrEqualTo(appliedBefore + 1);
            assertThat(consumed("skipped")).isGreaterThanOrEqualTo(skippedBefore + 2);
        });
        // (the archive of an unknown version is refused by the fold, as the registry's replay refuses it)
        await().atMost(WAIT).until(() -> Api.serving(key) != null);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("serving models"));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    /** Other tests leave corrupt records on shared topics: those are simply not the event looked for. */
    private static <T extends SpecificRecord> boolean isEncodingOf(EventCodec<T> codec, byte[] bytes, T event) {
        try {
            return codec.decode(bytes).equals(event);
        } catch (EventDecodingException notThisEvent) {
            return false;
        }
    }

    /** The service's own count of registry events by outcome, read from /q/metrics as Prometheus scrapes it. */
    private double consumed(String outcome) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("brigade_events_consumed_total{")
                        && line.contains("outcome=\"" + outcome + "\"")
                        && line.contains("topic=\"" + Topics.REGISTRY_EVENTS + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }

    private static RegistryEvent registryEvent(String id, String useCase) {
        return RegistryEvent.newBuilder().setEventId(id).setUseCase(useCase).setOccurredAt(T0)
                .setActor("contract-test").setPayload(new VersionArchived(1)).build();
    }

    private static RegistryEvent useCaseRegistered(String id, String useCase) {
        return RegistryEvent.newBuilder().setEventId(id).setUseCase(useCase).setOccurredAt(T0)
                .setActor("contract-test").setPayload(new UseCaseRegistered(1, TaskType.REGRESSION, "courier-load", 1,
                        "{\"serving\":{\"latencyBudgetMs\":50}}", "0".repeat(64))).build();
    }

    private static Prediction prediction(String id) {
        return new Prediction("p-" + id, id, "card-1", "card-fraud", 1, Variant.CHAMPION,
                Map.of("amount", new ScoreAnswer.ServedFeature(12.5, "PRESENT"), "online",
                        new ScoreAnswer.ServedFeature(true, "IMPUTED")),
                0.25, "negative", 900L, 40L, T0, List.of("imputed from training statistics: online"));
    }
}
