package dev.brigade.serving.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.serving.config.ServingConfig;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Online features from the feature-service: {@code POST /v1/features/{set}/{entityId}?version=n} with the event's
 * attributes, so features that need the event (the amount, its ratio to the mean) are computed exactly as the offline
 * vectors were. Non-blocking (Vert.x HTTP client, keep-alive connection pool, callbacks on the caller's event loop)
 * and bounded by a per-request deadline: when it passes, the caller gets a TIMEOUT lookup at once. On an event loop
 * look-ups are coalesced into batch calls ({@link LookupCoalescer}); bodies and answers are {@link FeatureWire}'s.
 *
 * <p>A look-up already on the wire at its deadline is left to finish and its answer dropped: resetting it would close
 * the keep-alive connection, and under load every timeout would then cost a new TCP connection on both sides, which
 * makes the next look-ups slower still (a retry storm without retries). One that sends nothing back for
 * {@code brigade.serving.features.abandon-after} is closed, so a hung feature-service cannot hold the pool.
 *
 * <p>Not the Quarkus REST client (used for the registry, {@link RegistryApi}): this is the scoring path's measured hot
 * path, where the look-up is the costliest part of a score (bench/RESULTS.md), and it needs per-look-up deadlines on
 * the caller's event loop, coalescing and tree-free codecs that a REST client interface does not give.
 */
@ApplicationScoped
public class FeatureClient {

    /** One POST on the pool, as its sender sees it. */
    interface Exchange {

        /** Asked once a connection is in hand: false gives the request back unsent (the connection stays open). */
        boolean wanted();

        /** The answer, or the failure (body null); not called when the request was not wanted. */
        void answered(int status, Buffer body, Throwable failure);
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final String basePath;
    private final long abandonAfterMillis;
    /** Null when look-ups are not coalesced (brigade.serving.features.coalesce=false). */
    private final LookupCoalescer coalescer;

    FeatureClient(Vertx vertx, ServingConfig config) {
        this.vertx = vertx;
        URI base = config.featuresUrl();
        this.host = base.getHost();
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        this.port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.abandonAfterMillis = config.features().abandonAfter().toMillis();
        this.coalescer = config.features().coalesce() ? new LookupCoalescer(vertx, this,
                config.features().maxBatchItems(), config.features().maxBatchesInFlight()) : null;
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
        return fetch(featureSet, version, entityId, attributes, null, timeoutMillis);
    }

    /**
     * @param asOf features as of this time (the entity's events strictly before it), as the offline vector of an
     *        event at that time; null for now
     */
    public CompletionStage<FeatureLookup> fetch(String featureSet, int version, String entityId,
            Map<String, Object> attributes, Instant asOf, long timeoutMillis) {
        long start = System.nanoTime();
        if (timeoutMillis < 1) {
            return CompletableFuture.completedFuture(FeatureLookup.failed(FeatureLookup.Outcome.TIMEOUT, 0,
                    "no budget left for the feature look-up"));
        }
        if (coalescer != null && Context.isOnEventLoopThread() && Vertx.currentContext() != null) {
            return coalescer.fetch(featureSet, version, entityId, attributes, asOf, start, timeoutMillis);
        }
        byte[] body;
        try {
            body = FeatureWire.body(attributes, asOf);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(FeatureLookup.failed(FeatureLookup.Outcome.ERROR, 0,
                    "cannot write the look-up: " + e.getMessage()));
        }
        Single single = new Single(start, timeoutMillis);
        single.timer = vertx.setTimer(timeoutMillis, single);
        post(basePath + "/v1/features/" + segment(featureSet) + "/" + segment(entityId) + "?version=" + version, body,
                single);
        return single.result;
    }

    /** One look-up in the single form, with its deadline: the timer's handler and the exchange in one object. */
    private final class Single implements Exchange, Handler<Long> {
        final CompletableFuture<FeatureLookup> result = new CompletableFuture<>();
        final long start;
        final long timeoutMillis;
        long timer;

        Single(long start, long timeoutMillis) {
            this.start = start;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public void handle(Long deadline) {
            result.complete(FeatureLookup.failed(FeatureLookup.Outcome.TIMEOUT, System.nanoTime() - start,
                    "no answer within " + timeoutMillis + " ms"));
        }

        @Override
        public boolean wanted() {
            return !result.isDone(); // the deadline passed while this waited for a connection
        }

        @Override
        public void answered(int status, Buffer body, Throwable failure) {
            vertx.cancelTimer(timer);
            long nanos = System.nanoTime() - start;
            result.complete(failure == null ? FeatureWire.answer(status, body, nanos)
                    : FeatureLookup.failed(FeatureLookup.Outcome.UNAVAILABLE, nanos, String.valueOf(failure)));
        }
    }

    /** The batch form's path for a feature-set version. */
    String batchUri(String featureSet, int version) {
        return basePath + "/v1/features/" + segment(featureSet) + "?version=" + version;
    }

    /** POSTs a JSON body on the keep-alive pool; the exchange hears the outcome on the calling event loop. */
    void post(String uri, byte[] body, Exchange exchange) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                .setURI(uri).setIdleTimeout(abandonAfterMillis).putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json");
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                exchange.answered(0, null, connected.cause());
                return;
            }
            HttpClientRequest request = connected.result();
            // Failures after the deadline (e.g. the idle timeout of an abandoned look-up) have nobody to tell.
            request.exceptionHandler(ignored -> {
            });
            if (!exchange.wanted()) {
                // Nothing is on the wire yet, so giving the request back is free and the connection stays open.
                request.reset();
                return;
            }
            request.send(Buffer.buffer(body)).onComplete(sent -> {
                if (sent.failed()) {
                    exchange.answered(0, null, sent.cause());
                    return;
                }
                HttpClientResponse response = sent.result();
                response.body().onComplete(read -> exchange.answered(response.statusCode(), read.result(),
                        read.cause()));
            });
        });
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
