package dev.brigade.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.registry.mapping.LeaderMapper;
import dev.brigade.registry.service.LeaderElector;
import dev.brigade.registry.service.RegistryWriter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Another registry instance is already active when the service under test starts, so the service is the standby:
 * an elector holds the leader partition of the install (its own topic prefix) and has announced a fake active, an
 * HTTP server that echoes what it received (method, path and query, Authorization, content type, body, the
 * forwarding header) as JSON with 201. {@code POST /stop} on it closes its elector: the active is gone.
 */
public class ActiveElsewhere implements QuarkusTestResourceLifecycleManager {

    public static final String PREFIX = "standby-test-";
    public static final String FAKE_ID = "fake-active";

    private HttpServer server;
    private LeaderElector elector;
    private RegistryWriter writer;

    @Override
    public Map<String, String> start() {
        String bootstrap = SharedKafkaBroker.bootstrapServers();
        KafkaClients clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", bootstrap)));
        String topic = PREFIX + Topics.REGISTRY_LEADER;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(topic + ".dlq", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String url = "http://localhost:" + server.getAddress().getPort();
        server.createContext("/v1/", this::echo);
        server.createContext("/stop", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            elector.close();
        });
        server.start();
        CountDownLatch announced = new CountDownLatch(1);
        elector = new LeaderElector(clients, topic, PREFIX + "registry-service-leader", FAKE_ID,
                new LeaderElector.Timing(Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                new LeaderElector.Role() {
                    @Override
                    public void activate(int epoch) {
                        writer = new RegistryWriter(clients, topic, PREFIX + "fake-writer", Duration.ofSeconds(10),
                                TestKeys.trusted());
                        writer.announce(topic, LeaderMapper.KEY, LeaderMapper.encode(new ActiveInstance(FAKE_ID, url,
                                Instant.now(), epoch, PREFIX + "fake-writer")));
                        announced.countDown();
                    }

                    @Override
                    public void deactivate(String why) {
                    }
                }).start();
        try {
            if (!announced.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the fake active did not get the leader partition");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of("kafka.bootstrap.servers", bootstrap, "brigade.topics.prefix", PREFIX);
    }

    private void echo(HttpExchange exchange) throws IOException {
        Map<String, String> seen = new LinkedHashMap<>();
        seen.put("method", exchange.getRequestMethod());
        seen.put("uri", exchange.getRequestURI().toString());
        seen.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
        seen.put("contentType", exchange.getRequestHeaders().getFirst("Content-Type"));
        seen.put("forwardedBy", exchange.getRequestHeaders().getFirst("X-Brigade-Forwarded-By"));
        seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        byte[] answer = new ObjectMapper().writeValueAsBytes(seen);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Answered-By", FAKE_ID);
        exchange.sendResponseHeaders(201, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void stop() {
        elector.close();
        if (writer != null) {
            writer.close();
        }
        server.stop(0);
    }
}
