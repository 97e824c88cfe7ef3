package dev.brigade.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The simulator's control API on loopback:
 * <ul>
 * <li>{@code GET /status}: counts (events, labels, scoring outcomes, which model versions answered) and each world's
 * drift;</li>
 * <li>{@code POST /drift/{useCase}?kind=covariate|concept|none}: from now on, that world drifts so.</li>
 * </ul>
 */
final class ControlServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Simulator simulator;

    ControlServer(Simulator simulator, int port) throws IOException {
        this(simulator, "127.0.0.1", port);
    }

    ControlServer(Simulator simulator, String host, int port) throws IOException {
        this.simulator = simulator;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/status", this::status);
        server.createContext("/drift/", this::drift);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sim-control");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void status(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            send(exchange, 405, problem("method not allowed: use GET"));
            return;
        }
        Simulator.Stats stats = simulator.stats;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", stats.events.get());
        body.put("labels", stats.labels.get());
        body.put("labelsPending", stats.labelsPending.get());
        body.put("publishFailures", stats.publishFailures.get());
        Map<String, Long> scoring = new LinkedHashMap<>();
        for (ScoringClient.Outcome outcome : ScoringClient.Outcome.values()) {
            scoring.put(outcome.name().toLowerCase(), stats.scoring(outcome));
        }
        body.put("scoring", scoring);
        Map<String, Long> servedBy = new LinkedHashMap<>();
        stats.servedBy.forEach((k, v) -> servedBy.put(k, v.get()));
        body.put("servedBy", servedBy);
        body.put("drift", simulator.drifts());
        body.put("rate", simulator.config().rate());
        send(exchange, 200, body);
    }

    private void drift(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, problem("method not allowed: use POST"));
            return;
        }
        URI uri = exchange.getRequestURI();
        String useCase = uri.getPath().substring("/drift/".length());
        World world = simulator.world(useCase);
        if (world == null) {
            send(exchange, 404, problem("useCase: not simulated: " + useCase));
            return;
        }
        String kind = null;
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                if (pair.startsWith("kind=")) {
                    kind = pair.substring(5);
                }
            }
        }
        Drift drift;
        try {
            drift = Drift.parse(kind);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, problem("kind: " + e.getMessage()));
            return;
        }
        world.drift(drift);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("useCase", useCase);
        body.put("drift", drift.wire());
        body.put("since", java.time.Instant.now().toString());
        send(exchange, 200, body);
    }

    private static Map<String, Object> problem(String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Bad request to the simulator");
        body.put("detail", detail);
        return body;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type",
                status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
