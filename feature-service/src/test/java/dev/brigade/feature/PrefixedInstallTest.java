package dev.brigade.feature;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** The prep station as an install with BRIGADE_TOPIC_PREFIX set: intake to feature vectors, all under the prefix. */
@QuarkusTest
@TestProfile(PrefixedInstallTest.Prefixed.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StreamsStateResource.class)
class PrefixedInstallTest {

    static final String PREFIX = "install-b.";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);

    /** brigade.topics.prefix is what BRIGADE_TOPIC_PREFIX sets. */
    public static class Prefixed implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("brigade.topics.prefix", PREFIX);
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aPrefixedInstallTurnsItsEventsIntoVectorsOnItsOwnTopicsAndGroups() throws Exception {
        // Given two transactions of a fresh card posted to the prefixed install
        String card = "card-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String first = "evt-" + UUID.randomUUID();
        String second = "evt-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("""
                [{"eventId": "%s", "source": "card-transactions", "entityId": "%s", "eventTime": "%s",
                  "attributes": {"amount": 10.0, "merchant": "m-1", "region": "eu", "device": "web"}},
                 {"eventId": "%s", "source": "card-transactions", "entityId": "%s", "eventTime": "%s",
                  "attributes": {"amount": 20.0, "merchant": "m-2", "region": "eu", "device": "web"}}]
                """.formatted(first, card, now.minusSeconds(600), second, card, now.minusSeconds(300)))
                .when().post("/v1/events").then().statusCode(202).body("accepted", equalTo(2));

        try (KafkaProbe probe = new KafkaProbe(bootstrapServers);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            // Then both have their vector on the install's feature-vectors, having passed its raw-events
            List<FeatureVector> vectors = probe.read(PREFIX + Topics.FEATURE_VECTORS, r -> ofCard(r, card), 2, WAIT)
                    .stream().map(r -> VECTORS.decode(r.value())).toList();
            assertThat(vectors).extracting(FeatureVector::getEventId).containsExactlyInAnyOrder(first, second);
            assertThat(probe.read(PREFIX + Topics.RAW_EVENTS, r -> card.equals(r.key()), 2, WAIT)).hasSize(2);

            // And the install's Streams apps and their internal topics carry the prefix (the broker is shared with
            // the unprefixed tests of this JVM), and the card reached no unprefixed topic
            Set<String> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).collect(java.util.stream.Collectors.toSet());
            assertThat(groups).contains(PREFIX + "brigade-features-intake",
                    PREFIX + "brigade-features-card-activity-v1");
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(topics).contains(PREFIX + "brigade-features-card-activity-v1-entity-history-changelog",
                    PREFIX + "brigade-features-intake-label-join-changelog");
            if (topics.contains(Topics.FEATURE_VECTORS)) {
                assertThat(probe.read(Topics.FEATURE_VECTORS, r -> ofCard(r, card), 1, Duration.ofSeconds(3)))
                        .isEmpty();
            }
        }

        // And online look-ups read the install's state
        given().when().get("/v1/features/card-activity/" + card)
                .then().statusCode(200).body("features.txn_count_1h.value", equalTo(2));
    }

    private static boolean ofCard(ConsumerRecord<String, byte[]> record, String card) {
        try {
            return VECTORS.decode(record.value()).getEntityId().equals(card);
        } catch (RuntimeException notAVector) {
            return false;
        }
    }
}
