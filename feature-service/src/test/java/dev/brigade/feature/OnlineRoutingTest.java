package dev.brigade.feature;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.feature.service.OnlineFeatureService;
import dev.brigade.feature.streams.FeatureSetTopology;
import dev.brigade.feature.streams.FeatureStreams;
import dev.brigade.feature.streams.ProcessingListener;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * With two instances of a feature-set version's app, a look-up of a key owned by the other instance is answered by
 * that instance. The second instance here is a plain Streams app of the same application id, advertising a small
 * HTTP server that records what reaches it.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StreamsStateResource.class)
class OnlineRoutingTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    FeatureStreams streams;

    @Test
    void aKeyOwnedByAnotherInstanceIsAnsweredByThatInstance() throws Exception {
        // Given a second instance of card-activity v1's app, reachable at a recording HTTP server
        List<String> routedRequests = new CopyOnWriteArrayList<>();
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/v1/features/", exchange -> {
            routedRequests.add(exchange.getRequestURI() + " routed-by="
                    + exchange.getRequestHeaders().getFirst(OnlineFeatureService.ROUTED_HEADER));
            byte[] body = "{\"servedBy\": \"the other instance\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        FeatureStreams.VersionApp here = streams.version("card-activity@1").orElseThrow();
        KafkaStreams second = new KafkaStreams(FeatureSetTopology.build(FeatureSets.cardActivity(),
                Clock.systemUTC(), ProcessingListener.NONE), secondInstance(here.applicationId(),
                        other.getAddress().getPort()));
        try {
            second.start();
            // When the group has spread the partitions over both, and a key lands on the other one
            String otherHost = "127.0.0.1:" + other.getAddress().getPort();
            String[] ownedByOther = new String[1];
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (int i = 0; i < 200; i++) {
                    KeyQueryMetadata m = here.streams().queryMetadataForKey(FeatureSetTopology.HISTORY_STORE,
                            "card-" + i, Serdes.String().serializer());
                    if (second.state() == KafkaStreams.State.RUNNING && m != null
                            && !m.equals(KeyQueryMetadata.NOT_AVAILABLE)
                            && (m.activeHost().host() + ":" + m.activeHost().port()).equals(otherHost)) {
                        ownedByOther[0] = "card-" + i;
                        return true;
                    }
                }
                return false;
            });

            // Then its look-up is answered by the other instance, marked as routed so it is never bounced on
            // (a 503 "rebalancing; retry" is the documented answer while the group settles)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                    .get("/v1/features/card-activity/" + ownedByOther[0])
                    .then().statusCode(200).body("servedBy", equalTo("the other instance")));
            assertThat(routedRequests).singleElement().asString()
                    .contains("/v1/features/card-activity/" + ownedByOther[0])
                    .contains("routed-by=" + streams.applicationServer());
        } finally {
            second.close(Duration.ofSeconds(10));
            other.stop(0);
        }
        // And once the other instance left, the keys come home and are answered here again
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().when()
                .get("/v1/features/card-activity/card-0").then().statusCode(200)
                .body("servedBy", equalTo(streams.applicationServer())));
    }

    private Properties secondInstance(String applicationId, int port) throws IOException {
        Path state = Files.createTempDirectory(Path.of("target"), "second-instance-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toAbsolutePath().toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return props;
    }
}
