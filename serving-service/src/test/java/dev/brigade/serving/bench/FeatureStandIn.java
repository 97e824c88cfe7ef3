package dev.brigade.serving.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>By default it runs in the bench's JVM; {@code -Dbench.stand-in=own-jvm} runs it in a JVM of its own, as the
 * feature-service would be, so that the load client's collections do not stop its event loop. On this host that was
 * not better (2026-11-27: look-ups 0.68 ms mean inside the service and a p99 ratio of 3.04, against 0.41 ms and 1.07
 * in this JVM a quarter of an hour later): one more process to schedule on the CPU the load client and broker use.
 */
final class FeatureStandIn implements AutoCloseable {

    private static final byte[] ENTITY_FIELD = "\"entityId\"".getBytes(StandardCharsets.UTF_8);

    private final Server server;
    private final Process process;
    private final String url;

    private FeatureStandIn(Server server, Process process, String url) {
        this.server = server;
        this.process = process;
        this.url = url;
    }

    /** In this JVM (the default). */
    static FeatureStandIn inProcess(String answerJson) throws Exception {
        Server server = new Server(answerJson);
        return new FeatureStandIn(server, null, "http://127.0.0.1:" + server.port());
    }

    /**
     * In a JVM of its own with a small heap, on the CPUs this one may use (a child inherits them); it prints its port
     * and answers its counters on {@code /stats}.
     */
    static FeatureStandIn inOwnJvm(String answerJson) throws Exception {
        Path answer = Files.createTempFile("feature-stand-in-", ".json");
        Files.writeString(answer, answerJson);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                FeatureStandIn.class.getName(), answer.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
            System.out.println("[feature stand-in] " + line);
        }
        if (line == null) {
            throw new IllegalStateException("the feature stand-in ended before it listened");
        }
        String url = "http://127.0.0.1:" + line.substring("PORT ".length()).trim();
        Thread drain = new Thread(() -> out.lines().forEach(l -> System.out.println("[feature stand-in] " + l)),
                "feature-stand-in-output");
        drain.setDaemon(true);
        drain.start();
        return new FeatureStandIn(null, process, url);
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server(Files.readString(Path.of(args[0])));
        System.out.println("PORT " + server.port());
        System.out.flush();
    }

    String url() {
        return url;
    }

    /** The stand-in's counters: all look-ups, calls of the batch form, and the look-ups those calls answered. */
    record Stats(long lookups, long batches, long batchLookups) {

        long singleLookups() {
            return lookups - batchLookups;
        }
    }

    /** One read of the counters (one HTTP call when the stand-in runs in its own JVM; -1 each if it cannot answer). */
    Stats stats() {
        long[] s = counters();
        return new Stats(s[0], s[1], s[2]);
    }

    private long[] counters() {
        if (server != null) {
            return server.stats();
        }
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().trim();
            String[] parts = body.split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1, -1};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new long[] {-1, -1, -1};
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close();
        } else {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The HTTP server itself: single and batch look-ups, and {@code /stats} ("lookups batches batchLookups"). */
    private static final class Server {
        private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        private final AtomicLong lookups = new AtomicLong();
        private final AtomicLong batches = new AtomicLong();
        private final AtomicLong batchLookups = new AtomicLong();
        private final HttpServer server;

        Server(String answerJson) throws Exception {
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
                        } else if (path.equals("/stats")) {
                            long[] s = stats();
                            request.response().end(s[0] + " " + s[1] + " " + s[2]);
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

        int port() {
            return server.actualPort();
        }

        long[] stats() {
            return new long[] {lookups.get(), batches.get(), batchLookups.get()};
        }

        void close() {
            vertx.close();
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
    }
}
