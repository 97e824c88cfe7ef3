package dev.brigade.monitor.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for the registry's read API (the registry's own tests cover what it computes):
 * GET /v1/use-cases/{name}/stages answers the stages of a use case whose champion v1 serves while canary v2 is being
 * deployed, and GET /v1/use-cases/{name}/versions/{v} a version whose report keeps its worst holdout rows, in the
 * shapes the registry answers. It stands in for the feature-service's contract endpoint too
 * (GET /v1/feature-sets/{name}/versions/{v}/contract, the shape of its ContractView): feature set {@code set} has a
 * broken range on {@code amount} whose violations grow with every call, {@code hung} answers only after
 * {@link #HUNG_MILLIS} (past the monitor's timeout), any other set is unknown (404).
 */
public class RegistryStandIn implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final long HUNG_MILLIS = 6_000;
    public static final long FEATURES_TIMEOUT_MILLIS = 1_000;
    private static final AtomicInteger CONTRACT_CALLS = new AtomicInteger();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/use-cases/", exchange -> {
            String[] path = exchange.getRequestURI().getPath().split("/");
            Object answer = null;
            if (path.length == 5 && path[4].equals("stages")) {
                answer = stages(path[3]);
            } else if (path.length == 6 && path[4].equals("versions")) {
                answer = version(path[3], Integer.parseInt(path[5]));
            }
            byte[] body = answer == null ? "{}".getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(answer);
            // As the registry: its JSON resources answer 406 to a client that does not accept JSON
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            boolean refused = accept != null && !accept.contains("application/json") && !accept.contains("*/*");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(refused ? 406 : answer == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/v1/feature-sets/", exchange -> {
            String[] path = exchange.getRequestURI().getPath().split("/");
            Object answer = null;
            if (path.length == 7 && path[4].equals("versions") && path[6].equals("contract")) {
                if (path[3].equals("hung")) {
                    try {
                        Thread.sleep(HUNG_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else if (path[3].equals("set")) {
                    answer = contract(path[3], Integer.parseInt(path[5]), CONTRACT_CALLS.incrementAndGet());
                }
            }
            byte[] body = answer == null ? "{\"status\":404}".getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // A hung feature-service must not hold the registry's answers: a thread per request.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        // a feature-service timeout set as a duration, shorter than the clients' @Timeout default (2 s)
        return Map.of("brigade.monitor.registry.url", base, "brigade.monitor.features.url", base,
                "brigade.monitor.features.timeout", FEATURES_TIMEOUT_MILLIS + "ms");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static Map<String, Object> stages(String useCase) {
        return Map.of("useCase", useCase, "specVersion", 1, "focusVersion", 2, "championVersion", 1, "turn", 2,
                "stages", List.of(
                        stage("framing", "risk-product-team", "exited", true, true,
                                criterion("spec-registered", true, Map.of("specVersion", 1))),
                        stage("data", "payments-data-team", "exited", true, true,
                                criterion("dataset-trained-on", true, Map.of("examples", 40000))),
                        stage("training", "fraud-ml-team", "exited", true, true,
                                criterion("candidate-registered", true, Map.of("version", 2))),
                        stage("evaluation", "fraud-ml-team", "exited", true, true,
                                criterion("gate-passed", true, Map.of("version", 2, "failed", List.of()))),
                        stage("deploy", "risk-platform-oncall", "current", true, false,
                                criterion("champion-promoted", false, Map.of("version", 2, "alias", "canary"))),
                        stage("monitor", "risk-platform-oncall", "current", true, true,
                                criterion("retrained", true, Map.of("version", 2, "champion", 1)))));
    }

    private static Map<String, Object> stage(String name, String owner, String status, boolean entered,
            boolean exited, Map<String, Object> exit) {
        return Map.of("name", name, "owner", owner, "status", status, "entered", entered, "exited", exited,
                "entry", List.of(criterion(name + "-entry", true, Map.of("why", "entered"))), "exit", List.of(exit));
    }

    private static Map<String, Object> criterion(String id, Boolean met, Map<String, Object> evidence) {
        return Map.of("id", id, "text", "criterion " + id, "met", met, "evidence", evidence);
    }

    /** The feature-service's ContractView of a version after {@code call} calls: amount's range broken. */
    static Map<String, Object> contract(String set, int version, int call) {
        long checked = 1000L + 100L * call;
        long rangeViolations = 20L + 4L * call;
        List<Map<String, Object>> expectations = List.of(
                status("amount", "type", "double", checked, 0, 600, 0, "0 of 600 values break it", false),
                status("amount", "range", "[0, 140]", checked, rangeViolations, 600, 12 + call % 5,
                        (12 + call % 5) + " of 600 values break it", true),
                status("txn_count_10m", "type", "long", checked, 0, 600, 0, "0 of 600 values break it", false),
                status("txn_count_10m", "missing", "missing rate at most 0.05", checked, 9, 600, 3,
                        "missing rate 0.005 of 600 vectors", false),
                status("online", "type", "boolean", checked, 0, 600, 0, "0 of 600 values break it", false),
                status(null, "label-balance", "positive share in [0.001, 0.1]", 400, 8, 120, 3,
                        "positive share 0.025 of 120 examples", false));
        return Map.of("featureSet", set, "version", version, "broken", true, "recentMinutes", 15,
                "declared", Map.of(), "expectations", expectations);
    }

    private static Map<String, Object> status(String feature, String expectation, String allowed, long checked,
            long violations, long recentChecked, long recentViolations, String observed, boolean broken) {
        Map<String, Object> s = new java.util.HashMap<>();
        s.put("feature", feature);
        s.put("expectation", expectation);
        s.put("allowed", allowed);
        s.put("checked", checked);
        s.put("violations", violations);
        s.put("recentChecked", recentChecked);
        s.put("recentViolations", recentViolations);
        s.put("recentRate", recentChecked == 0 ? 0.0 : (double) recentViolations / recentChecked);
        s.put("observed", observed);
        s.put("broken", broken);
        return s;
    }

    static Map<String, Object> version(String useCase, int version) {
        List<Map<String, Object>> worst = List.of(
                Map.of("eventId", "holdout-v" + version + "-a", "label", 1.0, "score", 0.03, "loss", 3.5,
                        "slices", Map.of("region", "eu"), "features", Map.of("amount", 980.0, "online", true)),
                Map.of("eventId", "holdout-v" + version + "-b", "label", 0.0, "score", 0.97, "loss", 3.4,
                        "slices", Map.of("region", "apac"), "features", Map.of("amount", 12.0, "online", false)));
        return Map.of("useCase", useCase, "alias", version == 1 ? "champion" : "canary", "version",
                Map.of("version", version, "role", "candidate", "evaluationReport", Map.of("worstExamples", worst)));
    }
}
