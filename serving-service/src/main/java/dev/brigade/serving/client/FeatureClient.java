package dev.brigade.serving.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.serving.config.ServingConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Online features from the feature-service: {@code POST /v1/features/{set}/{entityId}?version=n} with the event's
 * attributes, so features that need the event (the amount, its ratio to the mean) are computed exactly as the offline
 * vectors were. Non-blocking (Vert.x HTTP client, keep-alive connection pool, callbacks on the caller's event loop)
 * and bounded by a per-request deadline: when it passes, the caller gets a TIMEOUT lookup at once.
 *
 * <p>A look-up already on the wire at its deadline is left to finish and its answer dropped: resetting it would close
 * the keep-alive connection, and under load every timeout would then cost a new TCP connection on both sides, which
 * makes the next look-ups slower still (a retry storm without retries). One that sends nothing back for
 * {@code brigade.serving.features.abandon-after} is closed, so a hung feature-service cannot hold the pool.
 */
@ApplicationScoped
public class FeatureClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final String basePath;
    private final long abandonAfterMillis;

    FeatureClient(Vertx vertx, ServingConfig config) {
        this.vertx = vertx;
        URI base = config.featuresUrl();
        this.host = base.getHost();
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        this.port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.abandonAfterMillis = config.features().abandonAfter().toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(tls)
                .setKeepAlive(true)
                .setMaxPoolSize(config.features().poolSize())
                // Waiting for a pooled connection counts against the same deadline; a bounded queue keeps a dead
                // feature-service from piling up requests.
                .setMaxWaitQueueSize(config.features().poolSize() * 64)
                .setConnectTimeout((int) config.features().connectTimeout().toMillis())
                .setTcpNoDelay(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * @param timeoutMillis the feature look-up's share of the request's latency budget, what is left of it
     * @return completes within about timeoutMillis, never exceptionally
     */
    public CompletionStage<FeatureLookup> fetch(String featureSet, int version, String entityId,
            Map<String, Object> attributes, long timeoutMillis) {
        long start = System.nanoTime();
        if (timeoutMillis < 1) {
            return CompletableFuture.completedFuture(FeatureLookup.failed(FeatureLookup.Outcome.TIMEOUT, 0,
                    "no budget left for the feature look-up"));
        }
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("attributes", attributes));
        } catch (Exception e) {
            return CompletableFuture.completedFuture(FeatureLookup.failed(FeatureLookup.Outcome.ERROR, 0,
                    "cannot write the look-up: " + e.getMessage()));
        }
        String uri = basePath + "/v1/features/" + segment(featureSet) + "/" + segment(entityId) + "?version="
                + version;
        CompletableFuture<FeatureLookup> result = new CompletableFuture<>();
        long timer = vertx.setTimer(timeoutMillis, id -> result.complete(FeatureLookup.failed(
                FeatureLookup.Outcome.TIMEOUT, System.nanoTime() - start, "no answer within " + timeoutMillis
                        + " ms")));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                .setURI(uri).setIdleTimeout(abandonAfterMillis).putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json");
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                vertx.cancelTimer(timer);
                result.complete(FeatureLookup.failed(FeatureLookup.Outcome.UNAVAILABLE, System.nanoTime() - start,
                        String.valueOf(connected.cause())));
                return;
            }
            HttpClientRequest request = connected.result();
            // Failures after the deadline (e.g. the idle timeout of an abandoned look-up) have nobody to tell.
            request.exceptionHandler(ignored -> {
            });
            if (result.isDone()) {
                // The deadline passed while this waited for a connection: nothing is on the wire yet, so giving the
                // request back is free and the connection stays open.
                request.reset();
                return;
            }
            request.send(Buffer.buffer(body))
                    .compose(response -> response.body().map(b -> parse(response.statusCode(), b, start)))
                    .onComplete(answered -> {
                        vertx.cancelTimer(timer);
                        result.complete(answered.succeeded() ? answered.result()
                                : FeatureLookup.failed(FeatureLookup.Outcome.UNAVAILABLE, System.nanoTime() - start,
                                        String.valueOf(answered.cause())));
                    });
        });
        return result;
    }

    private static FeatureLookup parse(int status, Buffer body, long start) {
        long nanos = System.nanoTime() - start;
        if (status != 200) {
            String text = body.length() > 300 ? body.getString(0, 300) : body.toString();
            return FeatureLookup.failed(status >= 500 ? FeatureLookup.Outcome.UNAVAILABLE : FeatureLookup.Outcome.ERROR,
                    nanos, "feature-service answered " + status + ": " + text);
        }
        try {
            JsonNode features = JSON.readTree(body.getBytes()).path("features");
            Map<String, FeatureLookup.Value> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = features.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> feature = it.next();
                JsonNode value = feature.getValue().path("value");
                values.put(feature.getKey(), new FeatureLookup.Value(scalar(value),
                        feature.getValue().path("status").asText("PRESENT")));
            }
            return new FeatureLookup(FeatureLookup.Outcome.OK, values, nanos, null);
        } catch (Exception e) {
            return FeatureLookup.failed(FeatureLookup.Outcome.ERROR, nanos, "unreadable answer: " + e.getMessage());
        }
    }

    static Object scalar(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return value.asText();
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
