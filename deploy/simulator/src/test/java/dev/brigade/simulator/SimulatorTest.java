package dev.brigade.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.brigade.broker.KafkaProbe;
import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;

/**
 * The simulator against a real broker and a scoring endpoint on loopback: every event is scored before it is
 * published, every event gets exactly one label, and the control API switches drift.
 */
class SimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scoresThenPublishesEveryEventAndLabelsEachOnce() throws Exception {
        // Given a broker with the two topics and a scoring endpoint that records what it was asked
        String bootstrap = SharedKafkaBroker.bootstrapServers();
        createTopics(bootstrap);
        Set<String> scored = ConcurrentHashMap.newKeySet();
        HttpServer serving = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        serving.createContext("/v1/score/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            scored.add(body.get("eventId").asText());
            byte[] answer = ("{\"score\":0.1,\"model\":{\"version\":3,\"variant\":\"CHAMPION\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        serving.start();
        SimulatorConfig config = SimulatorConfig.from(new String[] {"--bootstrap-servers=" + bootstrap,
            "--serving-url=http://127.0.0.1:" + serving.getAddress().getPort(), "--rate=200",
            "--label-delay-ms=5000", "--control-port=0", "--duration-s=2"}, Map.of());

        // When it runs for two seconds, with a concept drift injected through the control API on the way
        JsonNode status;
        try (Simulator simulator = new Simulator(config); ControlServer control = new ControlServer(simulator, 0)) {
            simulator.start();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + control.port();
            HttpResponse<String> drift = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/drift/card-fraud?kind=concept")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> badKind = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/drift/card-fraud?kind=sideways")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/drift/churn?kind=concept")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(drift.statusCode()).isEqualTo(200);
            assertThat(badKind.statusCode()).isEqualTo(400);
            assertThat(badKind.body()).contains("kind");
            assertThat(unknown.statusCode()).isEqualTo(404);
            simulator.awaitEnd();
            status = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } finally {
            serving.stop(0);
        }

        // Then every raw event on the topic was scored first, each has one label, and the counts agree
        long events = status.get("events").asLong();
        assertThat(events).isGreaterThan(10);
        assertThat(status.get("drift").get("card-fraud").asText()).isEqualTo("concept");
        assertThat(status.get("labelsPending").asLong()).isZero();
        assertThat(status.get("scoring").get("scored").asLong()).isEqualTo(events);
        assertThat(status.get("servedBy").toString()).contains("card-fraud v3 CHAMPION");
        try (KafkaProbe probe = new KafkaProbe(bootstrap)) {
            List<ConsumerRecord<String, byte[]>> raw = probe.read(Topics.RAW_EVENTS, r -> true, (int) events,
                    Duration.ofSeconds(20));
            List<ConsumerRecord<String, byte[]>> labels = probe.read(Topics.LABELS, r -> true, (int) events,
                    Duration.ofSeconds(20));
            EventCodec<RawEvent> rawCodec = EventCodec.of(RawEvent.class);
            EventCodec<LabelEvent> labelCodec = EventCodec.of(LabelEvent.class);
            List<RawEvent> decoded = raw.stream().map(r -> rawCodec.decode(r.value())).toList();
            assertThat(decoded).hasSize((int) events);
            assertThat(decoded).allSatisfy(e -> assertThat(scored).contains(e.getEventId()));
            assertThat(decoded).extracting(RawEvent::getSource).containsOnly("card-transactions", "delivery-orders");
            assertThat(raw).allSatisfy(r -> assertThat(r.key()).isEqualTo(rawCodec.decode(r.value()).getEntityId()));
            List<LabelEvent> decodedLabels = labels.stream().map(r -> labelCodec.decode(r.value())).toList();
            assertThat(decodedLabels).extracting(LabelEvent::getEventId)
                    .containsExactlyInAnyOrderElementsOf(decoded.stream().map(RawEvent::getEventId).toList());
        }
    }

    @Test
    void refusesUnknownSettingsAndUseCases() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SimulatorConfig.from(new String[] {"--rte=5"},
                Map.of())).hasMessageContaining("rte");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SimulatorConfig.from(new String[] {
            "--use-cases=churn"}, Map.of())).hasMessageContaining("churn");
        assertThat(SimulatorConfig.from(new String[0], Map.of("BRIGADE_SIM_RATE", "5")).rate()).isEqualTo(5);
        assertThat(SimulatorConfig.from(new String[] {"--serving-url=none"}, Map.of()).servingUrl()).isNull();
    }

    @Test
    void logsInToASecuredClusterWithTheStationsVariables() {
        // Given the variables a station logs in with
        Map<String, String> env = Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512", "KAFKA_SASL_JAAS_CONFIG", "x required;", "KAFKA_SSL_TRUSTSTORE_LOCATION",
                "/t.p12", "KAFKA_SSL_TRUSTSTORE_PASSWORD", "secret", "KAFKA_UNRELATED", "ignored");

        // Then the producer gets the Kafka properties they name, and nothing else
        assertThat(SimulatorConfig.from(new String[0], env).kafkaSecurity()).containsExactlyInAnyOrderEntriesOf(
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                        "x required;", "ssl.truststore.location", "/t.p12", "ssl.truststore.password", "secret"));
        assertThat(SimulatorConfig.from(new String[0], Map.of()).kafkaSecurity()).isEmpty();
    }

    @Test
    void writesUnderTheInstallPrefixAndRefusesOneKafkaCannotName() {
        // Given an install prefix in the stations' variable
        // Then the simulator takes it, none by default, and refuses characters a topic name cannot hold
        assertThat(SimulatorConfig.from(new String[0], Map.of("BRIGADE_TOPIC_PREFIX", "team-a.")).topicPrefix())
                .isEqualTo("team-a.");
        assertThat(SimulatorConfig.from(new String[0], Map.of()).topicPrefix()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SimulatorConfig.from(new String[] {
                "--topic-prefix=team a/"}, Map.of())).hasMessageContaining("BRIGADE_TOPIC_PREFIX");
    }

    private static void createTopics(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = List.of(Topics.RAW_EVENTS, Topics.LABELS).stream()
                    .filter(t -> !existing.contains(t)).map(t -> new NewTopic(t, 2, (short) 1)).toList();
            admin.createTopics(missing).all().get();
        }
    }

}
