package dev.brigade.monitor.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.monitor.config.MonitorConfig;

/**
 * The registry's write endpoints the rollback action needs, called as the monitor's service account (role
 * deployer, HTTP Basic locally): roll the champion back, or clear a canary or a shadow.
 */
@ApplicationScoped
public class RegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(int status, String body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final MonitorConfig.Registry config;
    private final HttpClient http;

    RegistryClient(MonitorConfig config) {
        this.config = config.registry();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    }

    /** POST /v1/use-cases/{name}/rollback: the champion back to the previous champion. */
    public Result rollback(String useCase, String reason) throws Exception {
        return post("/v1/use-cases/" + useCase + "/rollback", Map.of("reason", reason));
    }

    /** POST /v1/use-cases/{name}/aliases/canary with version null: the canary stops taking traffic. */
    public Result clearCanary(String useCase, String reason) throws Exception {
        return clear(useCase, "canary", reason);
    }

    /** POST /v1/use-cases/{name}/aliases/shadow with version null: the shadow stops scoring, its rollout ends. */
    public Result clearShadow(String useCase, String reason) throws Exception {
        return clear(useCase, "shadow", reason);
    }

    private Result clear(String useCase, String alias, String reason) throws Exception {
        java.util.Map<String, Object> body = new java.util.HashMap<>();
        body.put("version", null);
        body.put("reason", reason);
        return post("/v1/use-cases/" + useCase + "/aliases/" + alias, body);
    }

    private Result post(String path, Map<String, ?> body) throws Exception {
        String auth = Base64.getEncoder().encodeToString((config.user() + ":" + config.password())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url().replaceAll("/+$", "") + path))
                .timeout(config.timeout()).header("Content-Type", "application/json")
                .header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Result(response.statusCode(), response.body());
    }
}
