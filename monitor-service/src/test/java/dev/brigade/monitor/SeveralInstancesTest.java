package dev.brigade.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.events.TaskType;
import dev.brigade.monitor.client.MonitorPeers;
import dev.brigade.monitor.config.MonitorConfig;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.service.StationMetrics;
import dev.brigade.monitor.service.UseCaseRouting;
import dev.brigade.monitor.streams.MonitorStreams;
import dev.brigade.monitor.streams.MonitorTopology;
import dev.brigade.monitor.support.Fixtures;
import dev.brigade.platform.kafka.TopicNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Two instances of the station on one broker, in this JVM: the Quarkus app (instance A) and a second Streams
 * instance B of the same application id, whose HTTP side is a stand-in that records what it is asked. A read of a
 * use case B owns is forwarded to B once (with the routed header) and B's answer relayed; a forwarded read is never
 * forwarded again; the use-case list and the actions taken merge both; when B leaves, A answers for everything.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(SeveralInstancesTest.OwnGroup.class)
class SeveralInstancesTest {

    /**
     * Its own application id, so the group and its changelogs are this test's; and tasks move to a new member at
     * once (no warm-up), since the shared broker's inputs hold other tests' records.
     */
    public static class OwnGroup implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("brigade.monitor.application-id", "brigade-monitor-several",
                    "kafka.acceptable.recovery.lag", Long.toString(Long.MAX_VALUE));
        }
    }

    record Asked(String path, String routedBy) {
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    MonitorStreams streams;

    @Inject
    MonitorConfig config;

    @Inject
    RegistryView registry;

    @Inject
    StationMetrics metrics;

    @Inject
    TopicNames names;

    @Test
    void readsOfAUseCaseAnotherInstanceOwnsAreForwardedOnceAndAnsweredHereAfterItLeaves() throws Exception {
        MonitorFlowTest.awaitReady();
        List<Asked> asked = new CopyOnWriteArrayList<>();
        HttpServer standIn = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        int portB = standIn.getAddress().getPort();
        String[] owned = new String[2]; // [0] owned by B, [1] owned here
        standIn.createContext("/", exchange -> answer(exchange, asked, owned, ownedByB(portB)));
        standIn.start();
        KafkaStreams b = instanceB(portB);
        try {
            // Given B joined the group and A's metadata shows use cases owned by B and by A
            b.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(b.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
                owned[0] = firstOwned(o -> !o.here() && o.instance().port() == portB);
                owned[1] = firstOwned(UseCaseRouting.Owner::here);
                assertThat(owned[0]).isNotNull();
                assertThat(owned[1]).isNotNull();
            });
            String ucB = owned[0];
            String ucA = owned[1];
            try (Fixtures kafka = new Fixtures(bootstrapServers)) {
                kafka.useCase(ucB, "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION);
                kafka.useCase(ucA, "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION);
                kafka.flush();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.useCase(ucB).isPresent()
                    && registry.useCase(ucA).isPresent());

            // When a client asks A for the windows of B's use case
            String windows = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> given().get("/v1/use-cases/" + ucB + "/windows?limit=3").then().extract(),
                            r -> r.statusCode() == 200).asString();

            // Then B's answer comes back as B wrote it, and B was asked once, with A's routed header
            assertThat(windows).isEqualTo(windowsOfB(ucB));
            assertThat(asked).filteredOn(a -> a.path().startsWith("/v1/use-cases/" + ucB + "/windows"))
                    .isNotEmpty().allSatisfy(a -> {
                        assertThat(a.path()).isEqualTo("/v1/use-cases/" + ucB + "/windows?limit=3");
                        assertThat(a.routedBy()).isEqualTo(streams.applicationServer());
                    });
            // and the costliest errors, the detail and the contract panel of B's use case are B's as well
            assertThat(given().get("/v1/use-cases/" + ucB + "/windows/latest/worst").then().statusCode(200)
                    .extract().asString()).isEqualTo("{\"from\":\"b\",\"what\":\"worst\"}");
            assertThat(given().get("/v1/use-cases/" + ucB).then().statusCode(200).extract().asString())
                    .isEqualTo("{\"from\":\"b\",\"what\":\"detail\"}");
            assertThat(given().get("/v1/use-cases/" + ucB + "/contract").then().statusCode(200).extract()
                    .asString()).isEqualTo("{\"from\":\"b\",\"what\":\"contract\"}");

            // When another instance forwards a read of B's use case to A (their views differ for a moment)
            int before = asked.size();
            var refused = given().header(MonitorPeers.ROUTED_HEADER, "c:1").get("/v1/use-cases/" + ucB + "/windows")
                    .then().extract();

            // Then A does not forward it again: a 503 problem with Retry-After, B not asked
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("2");
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.jsonPath().getString("type")).isEqualTo("urn:brigade:problem:unavailable");
            assertThat(asked).hasSize(before);

            // And A's own use case is answered from A's stores, B not asked
            assertThat(given().get("/v1/use-cases/" + ucA + "/windows").then().statusCode(200).extract().asString())
                    .isEqualTo("[]");
            assertThat(asked).hasSize(before);

            // And as the instance asked by another (the routed header), A answers what it owns and asks no one:
            // its use case's windows, its part of the list (not B's use case), its own actions (none)
            assertThat(given().header(MonitorPeers.ROUTED_HEADER, "b:1").get("/v1/use-cases/" + ucA + "/windows")
                    .then().statusCode(200).extract().asString()).isEqualTo("[]");
            List<String> routedList = given().header(MonitorPeers.ROUTED_HEADER, "b:1").get("/v1/use-cases").then()
                    .statusCode(200).extract().jsonPath().getList("name");
            assertThat(routedList).contains(ucA).doesNotContain(ucB);
            assertThat(given().header(MonitorPeers.ROUTED_HEADER, "b:1").get("/v1/use-cases/" + ucA + "/alerts")
                    .then().statusCode(200).extract().jsonPath().getList("actions")).isEmpty();
            assertThat(asked).hasSize(before);

            // And the list of use cases merges A's summaries with B's, in the registry's order
            List<Map<String, Object>> list = given().get("/v1/use-cases").then().statusCode(200).extract().jsonPath()
                    .getList("$");
            Map<String, Object> fromB = list.stream().filter(u -> ucB.equals(u.get("name"))).findFirst().orElseThrow();
            Map<String, Object> fromA = list.stream().filter(u -> ucA.equals(u.get("name"))).findFirst().orElseThrow();
            assertThat(fromB.get("lastWindowVolume")).isEqualTo(42);
            assertThat(fromA.get("lastWindowVolume")).isNull();
            assertThat(list.stream().map(u -> (String) u.get("name")).toList())
                    .isEqualTo(registry.snapshot().stream().map(RegistryView.UseCase::name).toList());
            assertThat(asked).anySatisfy(a -> assertThat(a.path()).isEqualTo("/v1/use-cases"));

            // And the alerts of A's use case show the action B's alert-actions consumer took
            List<Map<String, Object>> actions = given().get("/v1/use-cases/" + ucA + "/alerts").then()
                    .statusCode(200).extract().jsonPath().getList("actions");
            assertThat(actions).singleElement().satisfies(a -> {
                assertThat(a.get("detail")).isEqualTo("taken on b");
                assertThat(a.get("alertId")).isEqualTo(ucA + ":r:v1:60000");
            });

            // When B leaves the group
            long stopping = System.nanoTime();
            b.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(20)).leaveGroup(true));
            standIn.stop(0);

            // Then A takes B's use case over and answers it from its own stores (restored from the changelog)
            String mine = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> given().get("/v1/use-cases/" + ucB + "/windows?limit=3").then().extract(),
                            r -> r.statusCode() == 200 && !r.asString().equals(windowsOfB(ucB))).asString();
            assertThat(mine).isEqualTo("[]");
            System.out.printf("SeveralInstancesTest: A answered B's use case itself %d ms after B began to stop%n",
                    (System.nanoTime() - stopping) / 1_000_000);
            assertThat(streams.owner(ucB)).hasValueSatisfying(o -> assertThat(o.here()).isTrue());
        } finally {
            b.close(Duration.ofSeconds(20));
            standIn.stop(0);
        }
    }

    /** The registered use cases B owns, as A's metadata says (B's view, once the group settled). */
    private List<String> ownedByB(int portB) {
        return registry.snapshot().stream().map(RegistryView.UseCase::name).filter(name -> streams.owner(name)
                .filter(o -> !o.here() && o.instance().port() == portB).isPresent()).toList();
    }

    /** The first of a few candidate names whose key the predicate accepts, as A's metadata says. */
    private String firstOwned(java.util.function.Predicate<UseCaseRouting.Owner<HostInfo>> which) {
        return IntStream.range(0, 40).mapToObj(i -> "several-" + i).filter(name -> {
            Optional<UseCaseRouting.Owner<HostInfo>> owner = streams.owner(name);
            return owner.isPresent() && which.test(owner.get());
        }).findFirst().orElse(null);
    }

    private static String windowsOfB(String useCase) {
        return "[{\"useCase\":\"" + useCase + "\",\"from\":\"b\"}]";
    }

    /** B's HTTP side: what B would answer from its stores, recognisable. */
    private static void answer(HttpExchange exchange, List<Asked> asked, String[] owned, List<String> ownedByB)
            throws IOException {
        String path = exchange.getRequestURI().toString();
        asked.add(new Asked(path, exchange.getRequestHeaders().getFirst(MonitorPeers.ROUTED_HEADER)));
        String ucB = owned[0];
        String ucA = owned[1];
        String body;
        int status = 200;
        if (path.equals("/v1/use-cases")) {
            // every registered use case B owns (the shared broker's registry holds other tests' too)
            body = ownedByB.stream().map(name -> "{\"name\":\"" + name + "\",\"task\":\"binary-classification\","
                    + "\"loop\":[],\"aliases\":{},\"canaryPercent\":null,\"versions\":0,\"openAlerts\":0,"
                    + "\"lastWindowVolume\":" + (name.equals(ucB) ? 42 : 7) + ",\"lastP99LatencyMs\":12.5,"
                    + "\"driftedFeatures\":0}").collect(java.util.stream.Collectors.joining(",", "[", "]"));
        } else if (path.startsWith("/v1/use-cases/" + ucB + "/windows/latest/worst")) {
            body = "{\"from\":\"b\",\"what\":\"worst\"}";
        } else if (path.startsWith("/v1/use-cases/" + ucB + "/windows")) {
            body = windowsOfB(ucB);
        } else if (path.equals("/v1/use-cases/" + ucB + "/contract")) {
            body = "{\"from\":\"b\",\"what\":\"contract\"}";
        } else if (path.equals("/v1/use-cases/" + ucB)) {
            body = "{\"from\":\"b\",\"what\":\"detail\"}";
        } else if (path.equals("/v1/use-cases/" + ucA + "/alerts")) {
            body = "{\"open\":[],\"recent\":[],\"signals\":[],\"actions\":[{\"alertId\":\"" + ucA + ":r:v1:60000\","
                    + "\"useCase\":\"" + ucA + "\",\"action\":\"rollback\",\"outcome\":\"done\","
                    + "\"detail\":\"taken on b\",\"at\":5}]}";
        } else {
            status = 404;
            body = "{\"type\":\"urn:brigade:problem:not-found\",\"status\":404}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** A second instance of the app: the same topology and application id, its own state dir and address. */
    private KafkaStreams instanceB(int port) {
        MonitorTopology.Settings settings = MonitorStreams.settings(config);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, names.applicationId(config.applicationId()));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + port);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target/streams-state-b-" + port).toAbsolutePath()
                .toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Long.MAX_VALUE);
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // as MonitorStreams does: a stopping instance leaves the group at once, so its use cases move without
        // waiting for its session to time out
        props.put(StreamsConfig.mainConsumerPrefix("internal.leave.group.on.close"), true);
        return new KafkaStreams(MonitorTopology.build(names, settings, registry, metrics, Clock.systemUTC(),
                () -> 0L), props);
    }
}
