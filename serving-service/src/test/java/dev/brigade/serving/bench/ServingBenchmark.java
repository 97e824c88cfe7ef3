package dev.brigade.serving.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.nd4j.linalg.activations.Activation;

import dev.brigade.broker.KafkaBroker;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicProvisioner;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.serving.Dl4jNetworks;
import dev.brigade.serving.FakeUpstreams;
import dev.brigade.serving.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The serving counter's benchmark, run by serving-service/bench/run.sh:
 * <ol>
 * <li>single-row inference: the platform's Scorer against DL4J's output() on the same 10-32-16-1 network;</li>
 * <li>the packaged service (quarkus-run.jar) on a broker it starts, with a champion loaded from registry-events and a
 * feature-service stand-in on loopback: POST /v1/score/{useCase} against POST /v1/noop (same HTTP stack, same body
 * parsing, no look-up and no model) at a fixed rate (p50, p99), then closed-loop throughput of each.</li>
 * </ol>
 * Arguments: rate (500), seconds (20), workers for throughput (64).
 */
public final class ServingBenchmark {

    private static final String USE_CASE = "bench-fraud";
    private static final int ROUND_SECONDS = 5;
    /** Failed requests by phase, endpoint and cause (status or exception). */
    private static final Map<String, AtomicLong> ERRORS = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static volatile String phase = "warm-up";
    private static final Vertx LOAD = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private static final HttpClient LOAD_CLIENT = LOAD.createHttpClient(new HttpClientOptions().setKeepAlive(true)
            .setMaxPoolSize(64).setTcpNoDelay(true));

    private ServingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Log at INFO like the services: without a configuration the log manager lets Kafka's TRACE lines through,
        // and formatting them (every record, on the stream and producer threads) was a tenth of the measured time.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        inference();
        Path work = Files.createTempDirectory("serving-bench-");
        try (KafkaBroker broker = KafkaBroker.builder().dataDir(work.resolve("kafka"))
                .logFile(work.resolve("broker.log")).build().start()) {
            String bootstrap = broker.bootstrapServers();
            // The fixtures send their signed registry events to the configured broker, as in the tests: this one.
            System.setProperty("kafka.bootstrap.servers", bootstrap);
            try (Admin admin = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", bootstrap)))
                    .admin("serving-bench-topics", Map.of())) {
                new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(TopicCatalog.all());
            }
            // The registry's artifact API from the tests' stand-in; the feature look-ups from a fast one (see there).
            Map<String, String> upstreams = new FakeUpstreams().start();
            String featureAnswer = "{\"featureSet\":\"" + Fixtures.FEATURE_SET
                    + "\",\"version\":1,\"entityId\":\"bench\",\"asOf\":\"2026-11-26T10:00:00Z\",\"features\":{"
                    + "\"online\":{\"value\":true,\"status\":\"PRESENT\"},"
                    + "\"txn_count_10m\":{\"value\":2,\"status\":\"PRESENT\"},"
                    + "\"amount_sum_24h\":{\"value\":300.0,\"status\":\"PRESENT\"}},\"servedBy\":\"bench\"}";
            // In this JVM unless -Dbench.stand-in=own-jvm (see FeatureStandIn).
            boolean ownJvm = "own-jvm".equals(System.getProperty("bench.stand-in"));
            FeatureStandIn features = ownJvm ? FeatureStandIn.inOwnJvm(featureAnswer)
                    : FeatureStandIn.inProcess(featureAnswer);
            try (KafkaProbe probe = new KafkaProbe(bootstrap)) {
                Fixtures.Registry registry = new Fixtures.Registry(USE_CASE).register(25);
                int v1 = registry.version(Fixtures.bytes(1), ModelRole.CANDIDATE);
                registry.promote(ModelAlias.CHAMPION, null, v1, null);
            }
            service(bootstrap, upstreams.get("brigade.serving.registry-url"), features, work, rate, seconds,
                    workers);
            features.close();
        }
        // The stand-in's HTTP server has a non-daemon dispatcher thread.
        System.exit(0);
    }

    /** Single-row latency of the Scorer and of DL4J on the same trained network. */
    private static void inference() {
        Activation[] dl4j = {Activation.RELU, Activation.TANH};
        dev.brigade.model.Activation[] exported = {dev.brigade.model.Activation.RELU,
                dev.brigade.model.Activation.TANH, dev.brigade.model.Activation.SIGMOID};
        Dl4jNetworks.Trained trained = Dl4jNetworks.train(ModelTask.BINARY_CLASSIFICATION, 10, new int[] {32, 16},
                dl4j, 7);
        Scorer scorer = Scorer.load(ModelArtifactCodec.encode(Dl4jNetworks.export(trained, exported)));
        Random random = new Random(1);
        double[][] rows = new double[1000][10];
        for (double[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextInt(20) == 0 ? Double.NaN : random.nextGaussian() * 10;
            }
        }
        long[] scorerNanos = time(rows, 200_000, scorer::score);
        long[] dl4jNanos = time(rows, 20_000, trained::dl4jScore);
        System.out.println();
        System.out.println("== Single-row inference, 10-32-16-1 network (microseconds) ==");
        System.out.printf("%-34s %8s %8s%n", "", "p50", "p99");
        System.out.printf("%-34s %8.2f %8.2f%n", "dev.brigade.model.Scorer", pct(scorerNanos, 0.5) / 1e3,
                pct(scorerNanos, 0.99) / 1e3);
        System.out.printf("%-34s %8.2f %8.2f%n", "DL4J MultiLayerNetwork.output()", pct(dl4jNanos, 0.5) / 1e3,
                pct(dl4jNanos, 0.99) / 1e3);
        System.out.printf("Scorer p99 %.2f us (target <= 20 us); DL4J / Scorer at p50: %.0fx%n",
                pct(scorerNanos, 0.99) / 1e3, pct(dl4jNanos, 0.5) / Math.max(1, pct(scorerNanos, 0.5)));
    }

    private interface RowScorer {
        double score(double[] row);
    }

    private static long[] time(double[][] rows, int n, RowScorer scorer) {
        double sink = 0;
        for (int i = 0; i < n; i++) { // warm-up
            sink += scorer.score(rows[i % rows.length]);
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            sink += scorer.score(rows[i % rows.length]);
            nanos[i] = System.nanoTime() - t;
        }
        if (sink == 42) {
            System.out.print("");
        }
        Arrays.sort(nanos);
        return Arrays.copyOf(nanos, n + 1); // the last slot is the error count pct() expects: none here

    }

    private static void service(String bootstrap, String registry, FeatureStandIn features, Path work, int rate,
            int seconds, int workers) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // A copy of the packaged service: another build of this module (target/ is shared) would otherwise rewrite
        // the jars under the running service, whose class loading then blocks its event loops for seconds.
        Path app = work.resolve("quarkus-app");
        copy(Path.of("target", "quarkus-app").toAbsolutePath(), app);
        Path jar = app.resolve("quarkus-run.jar");
        List<String> command = new ArrayList<>();
        // The service on a core of its own (run.sh keeps this JVM, its load and the broker off it), so the load
        // generator does not steal the service's CPU and the two endpoints are compared on equal terms.
        String cpus = System.getProperty("bench.service-cpus", "").trim();
        if (!cpus.isEmpty()) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        // Serial GC: with one CPU, the collector the JVM would pick itself; its pauses are logged and summed below.
        Path gcLog = work.resolve("serving-gc.log");
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog));
        // e.g. -Dbench.service-jvm-args=-XX:StartFlightRecording=filename=/tmp/serving.jfr,settings=profile
        String extra = System.getProperty("bench.service-jvm-args", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("BRIGADE_REGISTRY_URL", registry);
        builder.environment().put("BRIGADE_FEATURES_URL", features.url());
        builder.environment().put("BRIGADE_LOG_JSON", "false");
        builder.environment().put("BRIGADE_NOOP_ENDPOINT", "true"); // the baseline, off outside benchmarks
        builder.environment().put("BRIGADE_LOCAL_RUN", "true"); // the shipped *-local passwords are fine in a bench
        // the fixtures sign registry events with the test-only key; the packaged service trusts its certificate
        builder.environment().put("BRIGADE_SIGNING_TRUSTED_CERTS",
                Path.of("src/test/resources/signing/registry-signing.pem").toAbsolutePath().toString());
        // e.g. -Dbench.service-env=BRIGADE_FEATURES_BUDGET_SHARE=0.00001 (no look-up: isolates its cost)
        for (String pair : System.getProperty("bench.service-env", "").trim().split("\\s+")) {
            if (pair.contains("=")) {
                builder.environment().put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        builder.redirectErrorStream(true).redirectOutput(work.resolve("serving-service.log").toFile());
        Process service = builder.start();
        long serviceStart = System.nanoTime();
        String base = "http://localhost:" + port;
        try {
            System.out.printf("%nStarting serving-service on port %d (log %s)...%n", port,
                    work.resolve("serving-service.log"));
            waitFor(base + "/v1/models", "\"champion\":1", Duration.ofMinutes(2));
            String score = base + "/v1/score/" + USE_CASE;
            String noop = base + "/v1/noop";
            Random random = new Random(7);
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                bodies.add(("{\"eventId\":\"bench-" + i + "\",\"entityId\":\"card-" + random.nextInt(5000)
                        + "\",\"attributes\":{\"amount\":" + random.nextInt(500) + ".5,\"merchant\":\"m-"
                        + random.nextInt(100) + "\"}}").getBytes(StandardCharsets.UTF_8));
            }
            run(noop, bodies, rate, 5); // warm-up
            run(score, bodies, rate, 5);
            // and at full speed until the JIT is done: on one CPU at full load its compiler threads get only their share,
            // and code still at tier 2 or 3 (the Kafka client of the prediction log, Netty, Vert.x's pool) was being
            // recompiled two minutes in (-XX:+PrintCompilation), 6 % of the score path's CPU in the measured rounds and
            // compiler threads competing with the event loop for the fixed-rate rounds' tail. Interleaved as the rounds
            // are, so the code both paths share settles too; at least 3 pairs, until two pairs in a row spend under 2 %
            // of the service CPU in the JIT (one quiet pair was not enough: a run stopped at 1.9 % and its measured
            // rounds were back at 5 %). Code that runs once per batch (the prediction log's Kafka sender, the look-up
            // batches) reaches the C2 thresholds only minutes in: a run of 15 pairs still spent 7.9 % compiling.
            // And the Kafka clients' periodic work first runs five minutes in (metadata.max.age.ms: a metadata
            // refresh, new connections with their API-version exchange and metrics): a run whose warm-up ended at
            // three minutes compiled that in its measured rounds (JIT 6 % of the score path's CPU, 3 % of the no-op's;
            // -Xlog:jit+compilation). So the warm-up also lasts until the service has run -Dbench.min-uptime-seconds.
            int maxWarmUpRounds = Integer.getInteger("bench.max-warm-up-rounds", 36);
            long minUptimeNanos = TimeUnit.SECONDS.toNanos(Integer.getInteger("bench.min-uptime-seconds", 390));
            long warmUpStart = System.nanoTime();
            mark("closed-loop warm-up");
            double[] jit = {1, 1};
            int warmUpRounds = 0;
            int quietPairs = 0;
            StringBuilder jitByPair = new StringBuilder();
            while (warmUpRounds < maxWarmUpRounds
                    && (warmUpRounds < 3 || quietPairs < 2 || System.nanoTime() - serviceStart < minUptimeNanos)) {
                long[] n = throughput(noop, bodies, workers, 10, service.toHandle());
                long[] s = throughput(score, bodies, workers, 10, service.toHandle());
                jit[0] = n[5] / (double) Math.max(1, n[2]);
                jit[1] = s[5] / (double) Math.max(1, s[2]);
                quietPairs = jit[0] < 0.02 && jit[1] < 0.02 ? quietPairs + 1 : 0;
                jitByPair.append(String.format(" %.1f/%.1f", 100 * jit[0], 100 * jit[1]));
                warmUpRounds++;
            }
            System.out.printf("%nwarm-up: %d interleaved closed-loop pairs of 10 s (%.0f s; service up %.0f s); JIT share "
                    + "of the service CPU in the last pair: no-op %.1f%%, score %.1f%%%s%n  by pair (no-op/score %%):%s%n",
                    warmUpRounds, (System.nanoTime() - warmUpStart) / 1e9, (System.nanoTime() - serviceStart) / 1e9,
                    100 * jit[0], 100 * jit[1], quietPairs >= 2 ? "" : " (still compiling: -Dbench.max-warm-up-rounds)",
                    jitByPair);
            String profiled = System.getProperty("bench.profile", "").trim();
            if (!profiled.isEmpty()) {
                profile(profiled.equals("noop") ? noop : score, bodies, workers, seconds, service.toHandle());
                return;
            }
            // Interleaved rounds (no-op, score, no-op, ...): a change in the host's load during the run falls on both.
            int rounds = Math.max(1, seconds / ROUND_SECONDS);
            int roundSeconds = Math.max(1, seconds / rounds);
            List<long[]> noopRounds = new ArrayList<>();
            List<long[]> scoreRounds = new ArrayList<>();
            phase = "fixed rate";
            mark("fixed-rate rounds");
            String metricsBefore = get(base + "/q/metrics");
            for (int r = 0; r < rounds; r++) {
                noopRounds.add(run(noop, bodies, rate, roundSeconds));
                scoreRounds.add(run(score, bodies, rate, roundSeconds));
            }
            String metricsAfter = get(base + "/q/metrics");
            long[] noopLat = merge(noopRounds);
            long[] scoreLat = merge(scoreRounds);
            System.out.println();
            System.out.printf("== Fixed rate: %d requests/s for %d s each, open loop, %d interleaved rounds (milliseconds) ==%n",
                    rate, rounds * roundSeconds, rounds);
            System.out.printf("%-38s %8s %8s %8s %8s%n", "", "p50", "p99", "max", "errors");
            print("POST /v1/noop (baseline)", noopLat);
            print("POST /v1/score/" + USE_CASE, scoreLat);
            double p99Ratio = pct(scoreLat, 0.99) / Math.max(1e-9, pct(noopLat, 0.99));
            System.out.printf("score p99 / no-op p99: %.2f   (target <= 2.00)%n", p99Ratio);
            // The load client shares CPU 0 with the broker and the stand-in, which the score rounds keep busier: how
            // late its scheduler handed requests over is part of both latencies (counted from the due time).
            System.out.printf("load client lateness (hand-over after the due time), p99: no-op rounds %.2f ms, score "
                    + "rounds %.2f ms%n", latenessP99(noop, rounds), latenessP99(score, rounds));
            // Where the score path's tail is: inside the service (its own histogram, from the request's start to the
            // answer) and, of that, the look-up on the stand-in (which shares CPU 0 with the load client and broker).
            System.out.printf("inside the service, score rounds: request %s; of it the feature look-up %s%n",
                    histogram(metricsBefore, metricsAfter, "brigade_serving_latency_seconds", "use_case=\"" + USE_CASE),
                    histogram(metricsBefore, metricsAfter, "brigade_serving_features_seconds",
                            "use_case=\"" + USE_CASE));

            ProcessHandle handle = service.toHandle();
            // The fixed-rate rounds take branches the closed loop does not (look-ups one at a time, not in batches)
            // and can send compiled code of the closed-loop path back to the interpreter: a pair of 5 s, not
            // measured, brings it back before the closed-loop rounds.
            throughput(noop, bodies, workers, ROUND_SECONDS, handle);
            throughput(score, bodies, workers, ROUND_SECONDS, handle);
            long[] noopRun = new long[6];
            long[] scoreRun = new long[6];
            phase = "closed loop";
            mark("closed-loop rounds");
            for (int r = 0; r < rounds; r++) {
                add(noopRun, throughput(noop, bodies, workers, roundSeconds, handle));
                add(scoreRun, throughput(score, bodies, workers, roundSeconds, handle));
            }
            double noopRps = noopRun[0] / (noopRun[1] / 1e9);
            double scoreRps = scoreRun[0] / (scoreRun[1] / 1e9);
            System.out.println();
            System.out.printf("== Throughput: %d closed-loop clients for %d s each, %d interleaved rounds ==%n", workers,
                    rounds * roundSeconds, rounds);
            System.out.printf("%-38s %10s %22s %12s %10s %14s%n", "", "requests/s", "service CPU/request us",
                    "of it kernel", "JIT", "switches/req");
            printThroughput("POST /v1/noop (baseline)", noopRun);
            printThroughput("POST /v1/score/" + USE_CASE, scoreRun);
            System.out.printf("score / no-op throughput: %.2f   (target >= 0.50)%n", scoreRps / noopRps);
            FeatureStandIn.Stats lookups = features.stats();
            System.out.printf("(the score path also looks its features up on a feature-service stand-in over HTTP, %s:"
                    + " %,d look-ups in %,d batch calls and %,d single calls; service pinned to CPU %s)%n",
                    "own-jvm".equals(System.getProperty("bench.stand-in")) ? "in a JVM of its own" : "in this JVM",
                    lookups.lookups(), lookups.batches(), lookups.singleLookups(), cpus.isEmpty() ? "none" : cpus);
            String metrics = get(base + "/q/metrics");
            metrics.lines().filter(l -> l.startsWith("brigade_serving_prediction_log_dropped_total")
                    || l.startsWith("brigade_serving_prediction_log_sent_total")
                    || l.startsWith("brigade_serving_errors_total")).forEach(l -> System.out.println("  " + l));
            gcPauses(gcLog);
            ERRORS.forEach((cause, count) -> System.out.printf("load client errors: %s x %d%n", cause, count.get()));
        } finally {
            service.destroy();
            service.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /**
     * -Dbench.profile=score|noop: only that endpoint, closed loop, under a JFR recording of the service started once
     * it is warm (jcmd), so the profile holds one path's samples and nothing of start-up or the other endpoint.
     */
    private static void profile(String url, List<byte[]> bodies, int workers, int seconds, ProcessHandle service)
            throws Exception {
        // -Dbench.async-profiler=/path/libasyncProfiler.so (tools.profiler:async-profiler on Maven Central): CPU
        // samples with kernel frames, as collapsed stacks; JFR sees only Java frames, and on loopback much of a
        // request's cost is the kernel's.
        String asyncProfiler = System.getProperty("bench.async-profiler", "").trim();
        Path file = Path.of(System.getProperty("bench.profile-file", asyncProfiler.isEmpty()
                ? "/tmp/serving-profile.jfr" : "/tmp/serving-profile.collapsed")).toAbsolutePath();
        boolean record = !file.getFileName().toString().equals("none"); // none: the figures alone, no recorder
        throughput(url, bodies, workers, 60, service); // warm: until the JIT is done with the path
        if (!record) {
            // nothing to start
        } else if (asyncProfiler.isEmpty()) {
            jcmd(service, "JFR.start", "name=bench", "settings=profile");
        } else {
            jcmd(service, "JVMTI.agent_load", asyncProfiler, "\"start,event=cpu,interval=1ms\""); // quoted: jcmd reads a=b as its own option
        }
        long[] run = throughput(url, bodies, workers, seconds, service);
        if (!record) {
            // nothing to stop
        } else if (asyncProfiler.isEmpty()) {
            jcmd(service, "JFR.stop", "name=bench", "filename=" + file);
        } else {
            jcmd(service, "JVMTI.agent_load", asyncProfiler, "\"stop,collapsed,file=" + file + "\"");
        }
        System.out.printf("%nprofile of %s (in %s):%n", url.substring(url.indexOf("/v1/")), file);
        printThroughput(url.substring(url.indexOf("/v1/")), run);
    }

    private static final Map<String, List<long[]>> LATENESS = new java.util.concurrent.ConcurrentHashMap<>();

    /** p99 of the measured rounds' hand-over lateness (the last {@code rounds} runs of that endpoint). */
    private static double latenessP99(String url, int rounds) {
        List<long[]> runs = LATENESS.getOrDefault(url, List.of());
        long[] all = runs.subList(Math.max(0, runs.size() - rounds), runs.size()).stream()
                .flatMapToLong(Arrays::stream).sorted().toArray();
        return all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) Math.ceil(0.99 * all.length) - 1)] / 1e6;
    }

    private static void printThroughput(String name, long[] run) {
        double n = Math.max(1, run[0]);
        System.out.printf("%-38s %10.0f %22.0f %11.0f%% %9.0f%% %14.2f%n", name, run[0] / (run[1] / 1e9),
                run[2] / 1e3 / n, 100.0 * run[3] / Math.max(1, run[2]), 100.0 * run[5] / Math.max(1, run[2]),
                run[4] / n);
    }

    private static void jcmd(ProcessHandle process, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed: " + out);
        }
    }

    /**
     * Open loop: request i is due at start + i / rate whatever happened to the others; latency counts from the due
     * time, so a stalled server is not hidden (no coordinated omission). One scheduler thread hands each request to
     * the non-blocking load client when it is due; as many may be in flight as need be.
     */
    private static long[] run(String url, List<byte[]> bodies, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long period = 1_000_000_000L / rate;
        long[] latencies = new long[total];
        long[] lateness = new long[total];
        LATENESS.computeIfAbsent(url, u -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(lateness);
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int k = i;
            lateness[k] = System.nanoTime() - due;
            post(url, bodies.get(i % bodies.size()), ok -> {
                latencies[k] = ok ? System.nanoTime() - due : -1;
                if (!ok) {
                    errors.incrementAndGet();
                }
                done.countDown();
            });
        }
        if (!done.await(seconds + 30L, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " requests to " + url + " never completed");
        }
        long[] sorted = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        long[] withErrors = Arrays.copyOf(sorted, sorted.length + 1);
        withErrors[sorted.length] = errors.get();
        return withErrors;
    }

    /** Closed loop: {@code workers} requests always outstanding, the next sent when one completes. */
    private static long[] throughput(String url, List<byte[]> bodies, int workers, int seconds, ProcessHandle service)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        CountDownLatch stopped = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            loop(url, bodies, w, workers, running, done, stopped);
        }
        Thread.sleep(1000); // ramp-up
        long count0 = done.get();
        long cpu0 = cpuNanos(service);
        long[] kernel0 = kernel(service);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long count = done.get() - count0;
        long elapsed = System.nanoTime() - start;
        long cpu = cpuNanos(service) - cpu0;
        long[] kernel1 = kernel(service);
        running.set(false);
        stopped.await(30, TimeUnit.SECONDS);
        return new long[] {count, elapsed, cpu, kernel1[0] - kernel0[0], kernel1[1] - kernel0[1],
                kernel1[2] - kernel0[2]};
    }

    /**
     * Linux only, else zeros: the service's system (kernel) CPU in nanoseconds (/proc/pid/stat, 10 ms ticks) and its
     * threads' context switches (/proc/pid/task/{@literal *}/status). On loopback most of a request's cost can be the
     * kernel's (socket reads and writes, the peer's receive path, thread wake-ups), which a Java profiler never sees.
     */
    private static long[] kernel(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long systemNanos = Long.parseLong(fields[12]) * 10_000_000L; // stime, field 15, in 1/100 s
            long switches = 0;
            long jitNanos = 0;
            try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String taskStat = Files.readString(task.resolve("stat"));
                        if (taskStat.contains("(C2 CompilerThre") || taskStat.contains("(C1 CompilerThre")) {
                            String[] t = taskStat.substring(taskStat.lastIndexOf(')') + 2).split(" ");
                            jitNanos += (Long.parseLong(t[11]) + Long.parseLong(t[12])) * 10_000_000L;
                        }
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt")) {
                                switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                    } catch (IOException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
            return new long[] {systemNanos, switches, jitNanos};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0, 0};
        }
    }

    private static void loop(String url, List<byte[]> bodies, int i, int workers, AtomicBoolean running,
            AtomicLong done, CountDownLatch stopped) {
        post(url, bodies.get(i % bodies.size()), ok -> {
            if (ok) {
                done.incrementAndGet();
            }
            if (running.get()) {
                loop(url, bodies, i + workers, workers, running, done, stopped);
            } else {
                stopped.countDown();
            }
        });
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /**
     * One POST on the load client; {@code then} gets true for a 200. The load client is Vert.x on one event loop with
     * keep-alive connections: a blocking thread per in-flight request (HttpURLConnection, 8 to 16 threads) took more
     * of the CPU it shares with the feature-service stand-in, whose look-ups are part of what is measured.
     */
    private static void post(String url, byte[] body, java.util.function.Consumer<Boolean> then) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setConnectTimeout(2000).setIdleTimeout(5000).putHeader("Content-Type", "application/json");
        LOAD_CLIENT.request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .onComplete(r -> {
                    boolean ok = r.succeeded() && r.result() == 200;
                    if (!ok) {
                        String cause = r.succeeded() ? "HTTP " + r.result() : r.cause().getClass().getSimpleName();
                        ERRORS.computeIfAbsent(phase + ": " + url.substring(url.indexOf("/v1/")) + " " + cause,
                                k -> new AtomicLong()).incrementAndGet();
                    }
                    then.accept(ok);
                });
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    /** The service's GC pauses over the whole run (start-up included), from its -Xlog:gc file. */
    /** When a phase began (wall clock), to line up the service's own logs (GC, -Xlog:jit+compilation) with it. */
    private static void mark(String what) {
        System.out.printf("[%s] %s%n", java.time.LocalTime.now().withNano(0), what);
    }

    private static void gcPauses(Path gcLog) throws IOException {
        double[] pauses = Files.readAllLines(gcLog).stream().filter(l -> l.contains(" Pause ") && l.endsWith("ms"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1, l.length() - 2)))
                .sorted().toArray();
        System.out.printf("service GC (serial, -Xmx384m), whole run: %d pauses, %.0f ms in all, max %.1f ms%n",
                pauses.length, Arrays.stream(pauses).sum(), pauses.length == 0 ? 0 : pauses[pauses.length - 1]);
    }

    private static long[] merge(List<long[]> results) {
        long errors = 0;
        List<long[]> latencies = new ArrayList<>();
        for (long[] result : results) {
            errors += result[result.length - 1];
            latencies.add(Arrays.copyOf(result, result.length - 1));
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long[] withErrors = Arrays.copyOf(all, all.length + 1);
        withErrors[all.length] = errors;
        return withErrors;
    }

    private static void add(long[] sum, long[] round) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += round[i];
        }
    }

    /** Mean and the bucket bound of the 99th percentile of a Prometheus histogram between two scrapes. */
    static String histogram(String before, String after, String name, String tagFilter) {
        Map<String, Double> b = buckets(before, name, tagFilter);
        Map<String, Double> a = buckets(after, name, tagFilter);
        double count = a.getOrDefault("count", 0.0) - b.getOrDefault("count", 0.0);
        if (count <= 0) {
            return "(no " + name + " on /q/metrics)";
        }
        double mean = (a.get("sum") - b.getOrDefault("sum", 0.0)) / count;
        String p99 = "?";
        for (Map.Entry<String, Double> bucket : a.entrySet().stream()
                .filter(e -> !e.getKey().equals("count") && !e.getKey().equals("sum"))
                .sorted(java.util.Comparator.comparingDouble(e -> e.getKey().equals("+Inf")
                        ? Double.POSITIVE_INFINITY : Double.parseDouble(e.getKey())))
                .toList()) {
            if (bucket.getValue() - b.getOrDefault(bucket.getKey(), 0.0) >= 0.99 * count) {
                p99 = bucket.getKey().equals("+Inf") ? "+Inf" : String.format("%.2f ms",
                        Double.parseDouble(bucket.getKey()) * 1e3);
                break;
            }
        }
        return String.format("mean %.3f ms, p99 <= %s", mean * 1e3, p99);
    }

    private static Map<String, Double> buckets(String metrics, String name, String tagFilter) {
        Map<String, Double> values = new java.util.TreeMap<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(name) + "_(bucket|count|sum)\\{([^}]*)\\} (\\S+)");
        java.util.regex.Pattern le = java.util.regex.Pattern.compile("le=\"([^\"]+)\"");
        for (String l : metrics.split("\n")) {
            java.util.regex.Matcher m = line.matcher(l);
            if (!m.lookingAt() || !m.group(2).contains(tagFilter)) {
                continue;
            }
            java.util.regex.Matcher bound = le.matcher(m.group(2));
            String key = m.group(1).equals("bucket") ? (bound.find() ? bound.group(1) : "?") : m.group(1);
            values.merge(key, Double.parseDouble(m.group(3)), Double::sum);
        }
        values.remove("?");
        return values;
    }

    private static String get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void print(String name, long[] result) {
        long[] latencies = Arrays.copyOf(result, result.length - 1);
        System.out.printf("%-38s %8.2f %8.2f %8.2f %8d%n", name, pct(result, 0.50) / 1e6, pct(result, 0.99) / 1e6,
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, result[result.length - 1]);
    }

    /** Percentile of a sorted array whose last element is the error count. */
    private static double pct(long[] result, double q) {
        int n = result.length - 1;
        return n <= 0 ? Double.NaN : result[Math.min(n - 1, Math.max(0, (int) Math.ceil(q * n) - 1))];
    }

    private static void waitFor(String url, String expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get(url).replace(" ", "").contains(expected)) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(url + " did not answer " + expected + " within " + timeout);
    }
}
