package dev.brigade.monitor.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for the two endpoints outside the platform's Kafka world that the actions call:
 * the page webhook and the registry's write API. It records every request (method, path, headers, body) and
 * answers 200, so a test can check what the monitor sent and with which credentials.
 */
public class FakeEndpoints implements QuarkusTestResourceLifecycleManager {

    public record Request(String method, String path, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            REQUESTS.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            // As the registry: its JSON resources answer 406 to a client that does not accept JSON
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            boolean refused = exchange.getRequestURI().getPath().startsWith("/v1/") && accept != null
                    && !accept.contains("application/json") && !accept.contains("*/*");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(refused ? 406 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("brigade.monitor.webhook.url", base + "/hook", "brigade.monitor.registry.url", base);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
