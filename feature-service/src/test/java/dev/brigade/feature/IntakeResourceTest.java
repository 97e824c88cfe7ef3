package dev.brigade.feature;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** JSON intake over real HTTP into a real broker: what is accepted lands on the topic, what is not is named. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StreamsStateResource.class)
class IntakeResourceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void anAcceptedEventIsOnRawEventsWhenTheAnswerComes() {
        // Given a valid event
        String eventId = "evt-" + UUID.randomUUID();
        Instant time = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String body = """
                {"eventId": "%s", "source": "card-transactions", "entityId": "card-intake",
                 "eventTime": "%s", "attributes": {"amount": 12.5, "items": 2, "online": true, "merchant": "m-1"}}
                """.formatted(eventId, time);

        // When it is posted
        given().contentType(ContentType.JSON).body(body).when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("items[0].status", equalTo("accepted"));

        // Then it is already on raw-events, keyed by entity, with its attributes typed
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.RAW_EVENTS,
                    r -> decodes(r.value(), eventId), 1, Duration.ofSeconds(5));
            assertThat(records).hasSize(1);
            assertThat(records.get(0).key()).isEqualTo("card-intake");
            RawEvent event = EventCodec.of(RawEvent.class).decode(records.get(0).value());
            assertThat(event.getEventTime()).isEqualTo(time);
            assertThat(event.getAttributes()).containsEntry("amount", 12.5).containsEntry("items", 2L)
                    .containsEntry("online", true).containsEntry("merchant", "m-1");
        }
    }

    @Test
    void aMixedBatchAcceptsTheGoodItemsAndNamesTheProblemsOfTheOthers() {
        String good = "good-" + UUID.randomUUID();
        String body = """
                [{"eventId": "%s", "source": "card-transactions", "entityId": "card-b", "eventTime": %d},
                 {"source": "card-transactions", "entityId": "card-b", "eventTime": "yesterday"},
                 {"eventId": "x-2", "source": "card-transactions", "entityId": "card-b", "eventTime": %d,
                  "attributes": {"nested": {"a": 1}}}]
                """.formatted(good, System.currentTimeMillis(), System.currentTimeMillis());

        given().contentType(ContentType.JSON).body(body).when().post("/v1/events")
                .then().statusCode(202)
                .body("accepted", equalTo(1)).body("rejected", equalTo(2))
                .body("items[0].status", equalTo("accepted"))
                .body("items[1].errors.field", hasItem("eventId"))
                .body("items[1].errors.field", hasItem("eventTime"))
                .body("items[2].errors.field", hasItem("attributes.nested"));

        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            assertThat(probe.read(Topics.RAW_EVENTS, r -> decodes(r.value(), "x-2"), 1, Duration.ofSeconds(2)))
                    .isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON          | {"eventId": "a",                                                       | 400 | $
            not an object           | "just a string"                                                        | 400 | expected a JSON object
            missing eventId         | {"source": "s", "entityId": "e", "eventTime": 1700000000000}           | 422 | eventId
            path-like entity id     | {"eventId": "a", "source": "s", "entityId": "../../etc", "eventTime": 1700000000000} | 422 | entityId
            number as source        | {"eventId": "a", "source": 7, "entityId": "e", "eventTime": 1700000000000} | 422 | source
            event time in future    | {"eventId": "a", "source": "s", "entityId": "e", "eventTime": "2999-01-01T00:00:00Z"} | 422 | eventTime
            event time before 2000  | {"eventId": "a", "source": "s", "entityId": "e", "eventTime": 5}       | 422 | eventTime
            array attribute         | {"eventId": "a", "source": "s", "entityId": "e", "eventTime": 1700000000000, "attributes": {"tags": [1]}} | 422 | attributes.tags
            attributes not object   | {"eventId": "a", "source": "s", "entityId": "e", "eventTime": 1700000000000, "attributes": 3} | 422 | attributes
            NaN is not JSON         | {"eventId": "a", "source": "s", "entityId": "e", "eventTime": 1700000000000, "attributes": {"x": NaN}} | 400 | $
            empty batch             | []                                                                     | 422 | batch is empty
            """)
    void badEventsGetA4xxNamingTheField(String name, String body, int status, String named) {
        given().contentType(ContentType.JSON).body(body).when().post("/v1/events")
                .then().statusCode(status)
                .contentType(containsString("json"))
                .body(containsString(named));
    }

    @Test
    void tooManyItemsOrTooManyBytesAreRefusedWhole() {
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            big.append(i == 0 ? "" : ",").append("{}");
        }
        given().contentType(ContentType.JSON).body(big.append("]").toString()).when().post("/v1/events")
                .then().statusCode(413)
                .body("type", org.hamcrest.Matchers.equalTo("urn:brigade:problem:batch-too-large"))
                .body("instance", org.hamcrest.Matchers.equalTo("/v1/events"))
                .body("detail", containsString("at most 1000"));

        String huge = "{\"eventId\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        given().contentType(ContentType.JSON).body(huge).when().post("/v1/events").then().statusCode(413);
    }

    @Test
    void tooManyAttributesAndOverlongValuesAreNamed() {
        StringBuilder attributes = new StringBuilder("{");
        for (int i = 0; i < 65; i++) {
            attributes.append(i == 0 ? "" : ",").append("\"a").append(i).append("\": ").append(i);
        }
        attributes.append("}");
        given().contentType(ContentType.JSON).body("{\"eventId\": \"a\", \"source\": \"s\", \"entityId\": \"e\", "
                + "\"eventTime\": 1700000000000, \"attributes\": " + attributes + "}")
                .when().post("/v1/events").then().statusCode(422)
                .body("type", org.hamcrest.Matchers.equalTo("urn:brigade:problem:invalid-event"))
                .body("errors.field", hasItem("attributes"));

        given().contentType(ContentType.JSON).body("{\"eventId\": \"a\", \"source\": \"s\", \"entityId\": \"e\", "
                + "\"eventTime\": 1700000000000, \"attributes\": {\"note\": \"" + "n".repeat(1025) + "\"}}")
                .when().post("/v1/events").then().statusCode(422).body("errors.field", hasItem("attributes.note"));
    }

    @Test
    void labelsAreAcceptedOrNamedLikeEvents() {
        String eventId = "lbl-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("{\"eventId\": \"" + eventId + "\", \"entityId\": \"card-1\", \"label\": true}")
                .when().post("/v1/labels").then().statusCode(202).body("accepted", equalTo(1));
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            List<ConsumerRecord<String, byte[]>> records = probe.read(Topics.LABELS,
                    r -> eventId.equals(r.key()), 1, Duration.ofSeconds(5));
            assertThat(records).hasSize(1);
            assertThat(EventCodec.of(LabelEvent.class).decode(records.get(0).value()).getLabel()).isEqualTo(1.0);
        }

        given().contentType(ContentType.JSON)
                .body("{\"eventId\": \"e\", \"entityId\": \"card-1\", \"label\": \"fraud\"}")
                .when().post("/v1/labels").then().statusCode(422).body("errors.field", hasItem("label"));
    }

    private static boolean decodes(byte[] value, String eventId) {
        try {
            return EventCodec.of(RawEvent.class).decode(value).getEventId().equals(eventId);
        } catch (RuntimeException notAnEvent) {
            return false;
        }
    }
}
