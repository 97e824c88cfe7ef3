package dev.brigade.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What a Kubernetes Service with a mesh's retry policy gives the stations in production, as one process in the test
 * JVM: one address in front of a station's instances, each request sent to the next ready instance round-robin
 * (readiness polled every half second, as the Service's endpoints follow the pods' readiness probes), and sent
 * again to another instance only when the chosen one refused the connection or dropped it before answering
 * (Envoy's {@code retry_on: connect-failure,reset}). A request an instance answered, whatever the status, is never
 * retried. Brigade's writes carry event ids, so a request that reached an instance which died before answering
 * is safe to send again.
 */
final class ServiceFront implements AutoCloseable {

    /** Headers the JDK client sets itself or refuses to forward. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings");

    private final String name;
    private final Supplier<List<String>> instances;
    private final HttpServer server;
    private final ExecutorService workers;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final Map<String, AtomicLong> answeredBy = new ConcurrentHashMap<>();
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService probes;

    /** @param instances the base URLs of the station's instances now (a killed one may stay listed: it is skipped) */
    ServiceFront(String name, Supplier<List<String>> instances) {
        this.name = name;
        this.instances = instances;
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.workers = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "front-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", this::forward);
        this.probes = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "front-probe-" + name);
            t.setDaemon(true);
            return t;
        });
        probes.scheduleWithFixedDelay(this::probe, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        server.start();
    }

    /** Marks each instance ready or not by its readiness check, as a Service's endpoints follow readiness probes. */
    private void probe() {
        try {
            probeEach();
        } catch (RuntimeException e) {
            // a probe that throws would end the schedule, freezing the ready set: log it and probe again next time
            System.err.println("front " + name + ": readiness probe failed: " + e);
        }
    }

    private void probeEach() {
        for (String instance : instances.get()) {
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(instance + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    ready.add(instance);
                } else {
                    ready.remove(instance);
                }
            } catch (IOException e) {
                ready.remove(instance);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests sent again to another instance because the first refused or dropped them. */
    long retried() {
        return retried.get();
    }

    /** Requests no instance answered (the caller got 502). */
    long unanswered() {
        return unanswered.get();
    }

    /** Answers per instance URL. */
    Map<String, Long> answeredBy() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        answeredBy.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            List<String> all = instances.get();
            List<String> targets = all.stream().filter(ready::contains).toList();
            if (targets.isEmpty()) {
                targets = all; // nobody ready: try them all rather than refuse outright
            }
            int start = Math.floorMod(next.getAndIncrement(), Math.max(1, targets.size()));
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get((start + i) % targets.size());
                HttpResponse<byte[]> answer;
                try {
                    answer = client.send(request(exchange, target, body), HttpResponse.BodyHandlers.ofByteArray());
                } catch (ConnectException | HttpTimeoutException e) {
                    retried.incrementAndGet();
                    continue;
                } catch (IOException e) {
                    // reset or closed before an answer: the instance died with the request
                    retried.incrementAndGet();
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                answeredBy.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
                answer.headers().map().forEach((header, values) -> {
                    if (!HOP_BY_HOP.contains(header.toLowerCase(Locale.ROOT)) && !header.startsWith(":")) {
                        exchange.getResponseHeaders().put(header, values);
                    }
                });
                byte[] out = answer.body();
                exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
                return;
            }
            unanswered.incrementAndGet();
            byte[] problem = ("{\"title\":\"no instance of " + name + " answered\",\"status\":502}").getBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(502, problem.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(problem);
            }
        }
    }

    private static HttpRequest request(HttpExchange exchange, String target, byte[] body) {
        URI uri = URI.create(target + exchange.getRequestURI().toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((header, values) -> {
            if (!HOP_BY_HOP.contains(header.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(header, v));
            }
        });
        return request.build();
    }

    @Override
    public void close() {
        probes.shutdownNow();
        server.stop(0);
        workers.shutdownNow();
    }
}
