package dev.brigade.serving.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The feature-service's look-up API for the benchmark, on a Vert.x event loop: it reads the body and answers a
 * constant vector, so what the benchmark measures is the serving counter's own work around the hop, not the speed of
 * a stand-in (the JDK httpserver the tests use costs several times more per request than the serving call itself).
 */
final class FeatureStandIn implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private static final byte[] ENTITY_FIELD = "\"entityId\"".getBytes(StandardCharsets.UTF_8);

    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchLookups = new AtomicLong();
    private final HttpServer server;

    FeatureStandIn(String answerJson) throws Exception {
        Buffer answer = Buffer.buffer(answerJson);
        CompletableFuture<HttpServer> started = new CompletableFuture<>();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(request -> request.body().onComplete(body -> {
                    String path = request.path();
                    if (path.startsWith("/v1/features/") && path.indexOf('/', "/v1/features/".length()) < 0) {
                        // The batch form: the same constant answer once per look-up in the body.
                        int n = Math.max(1, count(body.result().getBytes(), ENTITY_FIELD));
                        lookups.addAndGet(n);
                        batchLookups.addAndGet(n);
                        batches.incrementAndGet();
                        Buffer results = Buffer.buffer(32 + n * (answer.length() + 1))
                                .appendString("{\"featureSet\":\"bench\",\"results\":[");
                        for (int i = 0; i < n; i++) {
                            results.appendBuffer(i == 0 ? answer : Buffer.buffer(",").appendBuffer(answer));
                        }
                        request.response().putHeader("Content-Type", "application/json")
                                .end(results.appendString("]}"));
                    } else if (path.startsWith("/v1/features/")) {
                        lookups.incrementAndGet();
                        request.response().putHeader("Content-Type", "application/json").end(answer);
                    } else {
                        request.response().setStatusCode(404).end();
                    }
                }))
                .listen().onComplete(r -> {
                    if (r.succeeded()) {
                        started.complete(r.result());
                    } else {
                        started.completeExceptionally(r.cause());
                    }
                });
        server = started.get(30, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    long lookups() {
        return lookups.get();
    }

    /** Calls of the batch form (each answered many look-ups). */
    long batches() {
        return batches.get();
    }

    /** Look-ups answered by calls of the batch form. */
    long batchLookups() {
        return batchLookups.get();
    }

    private static int count(byte[] text, byte[] needle) {
        int n = 0;
        outer:
        for (int i = 0; i <= text.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (text[i + j] != needle[j]) {
                    continue outer;
                }
            }
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        vertx.close();
    }
}
