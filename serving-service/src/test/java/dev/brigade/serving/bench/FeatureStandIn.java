package dev.brigade.serving.bench;

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
    private final AtomicLong lookups = new AtomicLong();
    private final HttpServer server;

    FeatureStandIn(String answerJson) throws Exception {
        Buffer answer = Buffer.buffer(answerJson);
        CompletableFuture<HttpServer> started = new CompletableFuture<>();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(request -> request.body().onComplete(ignored -> {
                    if (request.path().startsWith("/v1/features/")) {
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

    @Override
    public void close() {
        vertx.close();
    }
}
