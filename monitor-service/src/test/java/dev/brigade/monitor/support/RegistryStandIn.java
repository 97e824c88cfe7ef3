package dev.brigade.monitor.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for the registry's read API (the registry's own tests cover what it computes):
 * GET /v1/use-cases/{name}/stages answers the stages of a use case whose champion v1 serves while canary v2 is being
 * deployed, and GET /v1/use-cases/{name}/versions/{v} a version whose report keeps its worst holdout rows, in the
 * shapes the registry answers.
 */
public class RegistryStandIn implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
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
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return Map.of("brigade.monitor.registry.url", "http://127.0.0.1:" + server.getAddress().getPort());
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
