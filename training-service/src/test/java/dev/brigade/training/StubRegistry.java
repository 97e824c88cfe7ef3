package dev.brigade.training;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.regex.Pattern;

/**
 * The registry's HTTP API as far as training uses it, in the test JVM: specs by use case, the champion alias and its
 * artifact, and multipart registration (which numbers versions and keeps what arrived, for the test to inspect).
 * Registration requires the training-service credentials, as the real registry's registrar role does.
 */
public class StubRegistry implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "training-service";
    public static final String PASSWORD = "training-test";

    /** What one registration carried. */
    public record Registration(String useCase, byte[] artifact, JsonNode metadata, int version) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonNode> SPECS = new ConcurrentHashMap<>();
    private static final Map<String, Integer> CHAMPIONS = new ConcurrentHashMap<>();
    private static final List<Registration> REGISTRATIONS = new CopyOnWriteArrayList<>();
    private static final Set<String> TAMPERED = ConcurrentHashMap.newKeySet();
    private static final Set<String> SLOW = ConcurrentHashMap.newKeySet();

    private HttpServer server;

    public static void spec(String useCase, JsonNode view) {
        SPECS.put(useCase, view);
    }

    public static void champion(String useCase, int version) {
        CHAMPIONS.put(useCase, version);
    }

    /** From now on the use case's artifacts are served with a sha256 header that does not match their bytes. */
    public static void tamper(String useCase) {
        TAMPERED.add(useCase);
    }

    /** From now on the use case's spec is answered after 3 s. */
    public static void slow(String useCase) {
        SLOW.add(useCase);
    }

    public static List<Registration> registrations(String useCase) {
        return REGISTRATIONS.stream().filter(r -> r.useCase().equals(useCase)).toList();
    }

    /** The card-fraud spec view as the registry serves it, renamed and pointed at another feature set. */
    public static ObjectNode cardFraudView(String useCase, String featureSet) throws IOException {
        try (InputStream in = StubRegistry.class.getResourceAsStream("/specs/card-fraud.json")) {
            ObjectNode view = (ObjectNode) JSON.readTree(in);
            view.put("name", useCase);
            ObjectNode spec = (ObjectNode) view.get("spec");
            spec.put("name", useCase);
            ((ObjectNode) spec.get("task").get("featureSet")).put("name", featureSet);
            return view;
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/use-cases/", this::handle);
        server.createContext("/v1/use-cases", exchange -> {
            try (exchange) {
                if (refusesJson(exchange)) {
                    return;
                }
                respond(exchange, 200, JSON.valueToTree(SPECS.keySet().stream().sorted()
                        .map(name -> Map.of("name", name)).toList()).toString());
            }
        });
        server.start();
        return Map.of("brigade.training.registry.url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "brigade.training.registry.user", USER,
                "brigade.training.registry.password", PASSWORD);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] path = exchange.getRequestURI().getPath().split("/");
            // ["", "v1", "use-cases", name, ...]
            String useCase = path[3];
            if (SLOW.contains(useCase)) {
                Thread.sleep(3000);
            }
            if (exchange.getRequestMethod().equals("POST") && path.length == 5 && path[4].equals("versions")) {
                register(exchange, useCase);
            } else if (path.length < 6 && refusesJson(exchange)) {
                return;
            } else if (path.length == 4) {
                JsonNode spec = SPECS.get(useCase);
                respond(exchange, spec == null ? 404 : 200, spec == null ? "{}" : spec.toString());
            } else if (path.length == 5 && path[4].equals("aliases")) {
                Integer champion = CHAMPIONS.get(useCase);
                respond(exchange, 200, champion == null ? "{\"champion\":null}"
                        : "{\"champion\":{\"version\":" + champion + "}}");
            } else if (path.length == 7 && path[6].equals("artifact")) {
                int version = Integer.parseInt(path[5]);
                byte[] artifact = registrations(useCase).stream().filter(r -> r.version() == version).findFirst()
                        .orElseThrow().artifact();
                exchange.getResponseHeaders().add("X-Artifact-Sha256",
                        TAMPERED.contains(useCase) ? "0".repeat(64) : sha256(artifact));
                exchange.sendResponseHeaders(200, artifact.length);
                exchange.getResponseBody().write(artifact);
            } else {
                respond(exchange, 404, "{}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            respond(exchange, 500, "{\"detail\":\"" + e + "\"}");
        }
    }

    private void register(HttpExchange exchange, String useCase) throws IOException {
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "{}");
            return;
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
        Map<String, byte[]> parts = parts(exchange.getRequestBody().readAllBytes(), boundary);
        synchronized (REGISTRATIONS) {
            int version = registrations(useCase).size() + 1;
            REGISTRATIONS.add(new Registration(useCase, parts.get("artifact"), JSON.readTree(parts.get("metadata")),
                    version));
            respond(exchange, 201, "{\"useCase\":\"" + useCase + "\",\"version\":{\"version\":" + version + "}}");
        }
    }

    /** A minimal multipart/form-data reader: part name -> content. */
    static Map<String, byte[]> parts(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        Map<String, byte[]> parts = new ConcurrentHashMap<>();
        List<String> chunks = new ArrayList<>(List.of(text.split("--" + Pattern.quote(boundary))));
        for (String chunk : chunks) {
            int headEnd = chunk.indexOf("\r\n\r\n");
            int nameAt = chunk.indexOf("name=\"");
            if (headEnd < 0 || nameAt < 0 || nameAt > headEnd) {
                continue;
            }
            String name = chunk.substring(nameAt + 6, chunk.indexOf('"', nameAt + 6));
            String content = chunk.substring(headEnd + 4, chunk.length() - 2);
            parts.put(name, content.getBytes(StandardCharsets.ISO_8859_1));
        }
        return parts;
    }

    /** As the registry: a JSON resource answers 406 to a client that does not accept JSON. */
    private static boolean refusesJson(HttpExchange exchange) throws IOException {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept == null || accept.contains("application/json") || accept.contains("*/*")) {
            return false;
        }
        exchange.sendResponseHeaders(406, -1);
        return true;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8"); // as the registry
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
