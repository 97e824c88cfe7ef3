package dev.brigade.monitor.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.brigade.monitor.config.MonitorConfig;

/**
 * The feature-service's read endpoint the dashboard's data-contract panel shows through this service (reads are
 * open there): {@code GET /v1/feature-sets/{name}/versions/{v}/contract}. Connect and request timeouts are short
 * (brigade.monitor.features.timeout): a feature-service that is down or hung costs the panel, not the dashboard.
 */
@ApplicationScoped
public class FeatureServiceClient {

    // A rate with no data behind it may come as NaN (a string by Jackson's default, a bare token by others).
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** What the feature-service answered: its status and, for a 2xx, the body. */
    public record Answer(int status, JsonNode body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final MonitorConfig.Features config;
    private final HttpClient http;

    FeatureServiceClient(MonitorConfig config) {
        this.config = config.features();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    }

    /** The version's expectations with their live counts, as the feature-service judges them now. */
    public Answer contract(String featureSet, int version) throws Exception {
        String path = "/v1/feature-sets/" + URLEncoder.encode(featureSet, StandardCharsets.UTF_8) + "/versions/"
                + version + "/contract";
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url().replaceAll("/+$", "") + path))
                .timeout(config.timeout()).header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        boolean ok = response.statusCode() >= 200 && response.statusCode() < 300;
        return new Answer(response.statusCode(), ok ? JSON.readTree(response.body()) : null);
    }

    public String url() {
        return config.url();
    }
}
