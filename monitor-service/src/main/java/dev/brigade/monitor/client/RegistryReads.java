package dev.brigade.monitor.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.monitor.config.MonitorConfig;

/**
 * The registry's read endpoints the dashboard shows through this service (reads are open there, so no account):
 * the loop's stages, which the registry derives from its state, and a model version with its evaluation report.
 */
@ApplicationScoped
public class RegistryReads {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the registry answered: its status and, for a 2xx, the body. */
    public record Answer(int status, JsonNode body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final MonitorConfig.Registry config;
    private final HttpClient http;

    RegistryReads(MonitorConfig config) {
        this.config = config.registry();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    }

    /** GET /v1/use-cases/{name}/stages. */
    public Answer stages(String useCase) throws Exception {
        return get("/v1/use-cases/" + useCase + "/stages");
    }

    /** GET /v1/use-cases/{name}/versions/{v}: the version with its evaluation report. */
    public Answer version(String useCase, int version) throws Exception {
        return get("/v1/use-cases/" + useCase + "/versions/" + version);
    }

    private Answer get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url().replaceAll("/+$", "") + path))
                .timeout(config.timeout()).header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        boolean ok = response.statusCode() >= 200 && response.statusCode() < 300;
        return new Answer(response.statusCode(), ok ? JSON.readTree(response.body()) : null);
    }
}
