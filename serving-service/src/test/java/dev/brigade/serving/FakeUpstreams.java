package dev.brigade.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The registry's and the feature-service's read APIs as small real HTTP servers (JDK httpserver) on one free port:
 * {@code GET /v1/artifacts/{sha256}} serves artifact bytes, {@code POST /v1/features/{set}/{entityId}?version=n}
 * answers like the feature-service ({featureSet, version, entityId, features: {name: {value, status}}}), and so does
 * its batch form {@code POST /v1/features/{set}} (the serving counter coalesces look-ups into it).
 *
 * <p>Tests steer them over HTTP ({@code /admin/...}, see {@link Upstreams}), so it does not matter which class loader
 * started them. The service finds them through brigade.serving.registry-url and features-url.
 */
public class FakeUpstreams implements QuarkusTestResourceLifecycleManager {

    private static final String PROPERTY = "brigade.test.fake-upstreams";

    private HttpServer server;

    private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    private final Map<String, byte[]> features = new ConcurrentHashMap<>();
    private volatile String mode = "ok";
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public synchronized Map<String, String> start() {
        String published = System.getProperty(PROPERTY);
        if (published == null) {
            // The JDK server writes headers and body separately; with Nagle on, the body waits for the client's
            // delayed ACK (up to 40 ms), which would make this stand-in far slower than the real feature-service.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.setExecutor(Executors.newFixedThreadPool(16, r -> {
                Thread t = new Thread(r, "fake-upstreams");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/", this::handle);
            server.start();
            published = "http://127.0.0.1:" + server.getAddress().getPort();
            System.setProperty(PROPERTY, published);
        }
        return Map.of("brigade.serving.registry-url", published, "brigade.serving.features-url", published);
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM, like the broker; the JVM's end stops it.
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String method = exchange.getRequestMethod();
            if (path.startsWith("/admin/artifacts/") && method.equals("PUT")) {
                artifacts.put(path.substring("/admin/artifacts/".length()), body);
                reply(exchange, 204, null);
            } else if (path.startsWith("/admin/features/") && method.equals("PUT")) {
                features.put(path.substring("/admin/features/".length()), body);
                reply(exchange, 204, null);
            } else if (path.equals("/admin/mode") && method.equals("PUT")) {
                mode = new String(body, StandardCharsets.UTF_8).trim();
                reply(exchange, 204, null);
            } else if (path.equals("/admin/lookups")) {
                reply(exchange, 200, Long.toString(lookups.get()).getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/v1/artifacts/") && method.equals("GET")) {
                byte[] artifact = artifacts.get(path.substring("/v1/artifacts/".length()));
                if (artifact == null) {
                    reply(exchange, 404, "{\"status\":404,\"detail\":\"no such artifact\"}".getBytes());
                } else {
                    exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
                    reply(exchange, 200, artifact);
                }
            } else if (path.equals("/admin/batches")) {
                reply(exchange, 200, Long.toString(batches.get()).getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/v1/features/") && method.equals("POST")
                    && path.indexOf('/', "/v1/features/".length()) < 0) {
                batchAnswer(exchange, path.substring("/v1/features/".length()), body);
            } else if (path.startsWith("/v1/features/") && method.equals("POST")) {
                lookups.incrementAndGet();
                featureAnswer(exchange, path.substring("/v1/features/".length()));
            } else {
                reply(exchange, 404, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Per entity ({set}/{entityId}) or per set ({set}/*); modes: ok, down (503), delay:<ms>. */
    private void featureAnswer(HttpExchange exchange, String key) throws IOException, InterruptedException {
        if (!served(exchange)) {
            return;
        }
        String set = key.substring(0, key.indexOf('/'));
        byte[] answer = features.getOrDefault(key, features.get(set + "/*"));
        if (answer == null) {
            reply(exchange, 404, "{\"status\":404,\"detail\":\"unknown feature set\"}".getBytes());
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        reply(exchange, 200, answer);
    }

    /**
     * The batch form, {@code POST /v1/features/{set}} with {@code {"lookups": [{"entityId", ...}]}}: each item answered
     * as the single form would (per entity or per set), in order, as {@code {featureSet, results: [...]}}; modes as
     * for the single form; 404 for the whole batch when any item has no answer.
     */
    private void batchAnswer(HttpExchange exchange, String set, byte[] body) throws IOException,
            InterruptedException {
        if (!served(exchange)) {
            return;
        }
        JsonNode lookupsNode = JSON.readTree(body).path("lookups");
        StringBuilder answer = new StringBuilder("{\"featureSet\":\"").append(set).append("\",\"results\":[");
        for (int i = 0; i < lookupsNode.size(); i++) {
            String entity = lookupsNode.get(i).path("entityId").asText();
            byte[] one = features.getOrDefault(set + "/" + entity, features.get(set + "/*"));
            if (one == null) {
                reply(exchange, 404, "{\"status\":404,\"detail\":\"unknown feature set\"}".getBytes());
                return;
            }
            answer.append(i == 0 ? "" : ",").append(new String(one, StandardCharsets.UTF_8));
        }
        lookups.addAndGet(lookupsNode.size());
        batches.incrementAndGet();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        reply(exchange, 200, answer.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The mode's effect on a look-up: delay:<ms> sleeps first, down answers 503 (false: answered already). */
    private boolean served(HttpExchange exchange) throws IOException, InterruptedException {
        String current = mode;
        if (current.startsWith("delay:")) {
            Thread.sleep(Long.parseLong(current.substring(6)));
        } else if (current.equals("down")) {
            reply(exchange, 503, "{\"status\":503}".getBytes());
            return false;
        }
        return true;
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
