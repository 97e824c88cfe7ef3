package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.events.AlertEvent;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.topics.Topics;
import dev.brigade.simulator.CardFraudWorld;

/**
 * The fault suite (issue 9): the real broker and the five services as processes, 100,000 card transactions and
 * their labels streaming in while each service in turn is killed with SIGKILL and restarted, the broker is stopped
 * and started again, and serving meets a model that does not load, a registry that is down and a feature-service
 * that hangs. Outputs are counted on the output topics (read_committed, grouped by event id), so lost and
 * duplicated are exact. It prints one table: scenario, events in, events out, lost, duplicated, failed requests.
 *
 * <p>The model is registered directly over the registry's REST API (an artifact built with module {@code model},
 * metadata as training would write it) rather than trained by the training-service: a DL4J run on this stream
 * would cost minutes of CPU on a shared CI host and is covered by ClosedLoopIT and TrainingToRegistryIT; here the
 * model only has to exist, pass its gate and serve.
 */
class FaultSuiteIT {

    private static final String USE_CASE = "card-fraud";
    private static final String SET = "card-activity";
    private static final int SET_VERSION = 1;
    private static final int EVENTS = Integer.getInteger("brigade.faults.events", 100_000);
    /** Raw events per second while the stream flows; 100k take about three minutes, the time of the five kills. */
    private static final int RATE = Integer.getInteger("brigade.faults.rate", 550);

    private static final List<String> KILL_ORDER = List.of(Platform.FEATURE, Platform.TRAINING, Platform.REGISTRY,
            Platform.SERVING, Platform.MONITOR);
    private static final Duration READY = Duration.ofMinutes(5);
    /** Above this load average per core the latency budget is reported, not asserted (see the serving checks). */
    private static final double MAX_LOAD_PER_CORE = 4.0;

    private static Platform platform;
    private static final List<String> phases = new ArrayList<>();
    private static volatile int phase;
    private static long suiteStarted;

    @BeforeAll
    static void startPlatform() {
        suiteStarted = System.nanoTime();
        platform = Platform.start("fault-suite", List.of(Platform.REGISTRY, Platform.FEATURE, Platform.TRAINING,
                Platform.SERVING, Platform.MONITOR), Platform.SHORT_MONITOR_WINDOWS);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void nothingLostNothingDoubledAndServingKeepsAnswering() throws Exception {
        List<FaultTable.Row> table = new ArrayList<>();
        List<String> failures = new ArrayList<>();

        // Given card-fraud (its rollout walked by hand, retraining on request only, so no run or alias move happens
        // by itself during the faults) and a first model that passed its gate and is champion
        // (-Dbrigade.faults.spec=<file> runs it with another spec file, e.g. against service jars older than the tree.)
        CardFraudModels.registerWalkedByHand(platform, Path.of(System.getProperty("brigade.faults.spec",
                Platform.repoRoot().resolve("use-cases/" + USE_CASE + ".yaml").toString())));
        int v1 = models().register(CardFraudModels.artifact(1), models().metadata(null));
        models().promote(v1, List.of("shadow", "champion"));
        await("serving to answer with v1", Duration.ofMinutes(1), () -> {
            JsonNode a = ScoringLoop.score(platform.url(Platform.SERVING) + "/v1/score/" + USE_CASE,
                    "warm-up-" + System.nanoTime(), new CardFraudWorld(3).next(Instant.now()));
            return a != null && a.path("model").path("version").asInt() == v1 ? a : null;
        });

        // And the stream (raw events, then their labels a moment later) and a client scoring all the time
        phases.add("no fault (stream and scoring running)");
        StreamPublisher publisher = new StreamPublisher(Map.of("bootstrap.servers", platform.bootstrapServers()),
                EVENTS, RATE, () -> phase);
        ScoringLoop scoring = new ScoringLoop(platform.url(Platform.SERVING), USE_CASE, () -> phase);
        publisher.start();
        scoring.start();
        ServiceProcess.sleep(8_000);

        // When each service in turn is killed with SIGKILL mid-stream and started again
        Map<String, String> notes = new LinkedHashMap<>();
        for (String name : KILL_ORDER) {
            phase = phases.size();
            phases.add("kill -9 " + name);
            log("kill -9 " + name);
            JsonNode registryBefore = registryState();
            List<JsonNode> windowsBefore = name.equals(Platform.MONITOR) ? windows() : List.of();
            ServiceProcess service = platform.service(name);
            service.kill();
            service.start();
            service.awaitReady(READY);
            JsonNode registryAfter = registryState();
            String note = registryAfter.equals(registryBefore) ? "registry state equal" : "REGISTRY STATE CHANGED";
            if (!registryAfter.equals(registryBefore)) {
                failures.add("registry state after kill -9 " + name + ": before " + registryBefore + ", after "
                        + registryAfter);
            }
            if (name.equals(Platform.MONITOR)) {
                note += "; " + checkMonitorWindows(windowsBefore, failures);
            }
            notes.put(name, note);
            log(name + " back: " + note);
            ServiceProcess.sleep(4_000);
        }

        // When the broker stops and comes back while scoring goes on
        phase = phases.size();
        phases.add("broker stop/restart");
        double droppedBefore = droppedPredictions();
        ServiceProcess.sleep(2_000);
        log("broker stop");
        platform.broker().stop();
        ServiceProcess.sleep(10_000);
        platform.broker().start();
        log("broker back");
        ServiceProcess.sleep(5_000);
        int brokerPhase = phase;

        // When a new version's artifact fails to load in serving (damaged on the registry's disk after its
        // registration, before serving fetched it: serving is held with SIGSTOP meanwhile), and it is promoted
        phase = phases.size();
        phases.add("model artifact fails to load");
        int artifactPhase = phase;
        log("artifact that fails to load");
        scoring.hold();
        ProcessHandle serving = platform.service(Platform.SERVING).processHandle();
        signal(serving, "STOP");
        int v2;
        try {
            byte[] bad = CardFraudModels.artifact(2);
            v2 = models().register(bad, models().metadata(v1));
            Path stored = platform.root().resolve("data/registry-service/artifacts/sha256/" + sha256(bad));
            assertThat(stored).exists();
            byte[] damaged = bad.clone();
            damaged[damaged.length / 2] ^= 0x5a;
            Files.write(stored, damaged);
        } finally {
            signal(serving, "CONT");
        }
        scoring.release();
        Http.Answer approved = Http.postJson(registry() + "/v1/use-cases/" + USE_CASE + "/versions/" + v2
                + "/approvals", Map.of("comment", "fault suite"), "alice", "alice-local");
        assertThat(approved.status()).as(approved.body()).isBetween(200, 201);
        models().promote(v2, List.of("shadow", "canary", "champion"));
        JsonNode failure = await("serving to report v2's load failure", Duration.ofMinutes(2), () -> {
            for (JsonNode useCase : Http.get(platform.url(Platform.SERVING) + "/v1/models").json()) {
                for (JsonNode f : useCase.path("failures")) {
                    if (f.path("version").asInt() == v2) {
                        return f;
                    }
                }
            }
            return null;
        });
        ServiceProcess.sleep(5_000);

        // When the registry is down
        phase = phases.size();
        phases.add("registry down");
        int registryPhase = phase;
        log("registry down");
        platform.service(Platform.REGISTRY).kill();
        ServiceProcess.sleep(8_000);
        platform.service(Platform.REGISTRY).start();

        // When the feature-service hangs (SIGSTOP for 6 s: connections open, no answer)
        phase = phases.size();
        phases.add("slow feature-service (SIGSTOP 6 s)");
        int slowPhase = phase;
        ProcessHandle features = platform.service(Platform.FEATURE).processHandle();
        log("feature-service SIGSTOP");
        signal(features, "STOP");
        try {
            ServiceProcess.sleep(6_000);
        } finally {
            signal(features, "CONT");
        }
        ServiceProcess.sleep(3_000);
        phase = phases.size();
        phases.add("after the faults");
        ServiceProcess.sleep(2_000);
        scoring.close();
        platform.service(Platform.REGISTRY).awaitReady(READY);
        double droppedAfter = droppedPredictions();

        // Then every raw event has one feature vector in card-activity v1, and every labelled event one example
        publisher.awaitDone(Duration.ofMinutes(3));
        assertThat(publisher.failed.get()).as("raw events or labels Kafka did not acknowledge").isZero();
        log("counting the outputs");
        OutputTopics outputs = outputs();
        OutputTopics.Outputs counted = outputs.awaitVectorsAndExamples(publisher.phaseOf, SET, SET_VERSION);
        Map<String, Integer> otherVectors = counted.otherVectors();
        long[][] stream = OutputTopics.tally(publisher.phaseOf, counted, phases.size());

        // And every answered scoring request was logged once (shadow scorings aside), or its drop counted
        Map<String, Integer> predictions = new HashMap<>();
        Map<String, Integer> versionOfLogged = new HashMap<>();
        outputs.readAll(Topics.PREDICTIONS, PredictionLogged.class, p -> {
            if (!p.getVariant().name().equals("SHADOW")) {
                predictions.merge(p.getEventId(), 1, Integer::sum);
                versionOfLogged.put(p.getEventId(), p.getModelVersion());
            }
        });
        long[][] scored = new long[phases.size()][4];
        for (Map.Entry<String, Integer> e : scoring.phaseOf.entrySet()) {
            long[] s = scored[e.getValue()];
            int n = predictions.getOrDefault(e.getKey(), 0);
            s[0]++;
            s[1] += n;
            s[2] += n == 0 ? 1 : 0;
            s[3] += Math.max(0, n - 1);
        }

        // And the monitor's alerts were not raised twice
        Map<String, Integer> alerts = new HashMap<>();
        List<AlertEvent> loadAlerts = new ArrayList<>();
        outputs.readAll(Topics.ALERTS, AlertEvent.class, a -> {
            alerts.merge(a.getEventId().toString(), 1, Integer::sum);
            if (a.getRule().equals("serving-model-load-failed")) {
                loadAlerts.add(a);
            }
        });
        long doubledAlerts = alerts.values().stream().filter(n -> n > 1).count();

        // The table
        for (int p = 0; p < phases.size(); p++) {
            String name = phases.get(p);
            String killed = name.startsWith("kill -9 ") ? name.substring("kill -9 ".length()) : null;
            String note = killed != null ? notes.get(killed) : "";
            if (killed == null && stream[p][0] == 0 && scoring.failed[p].get() == 0) {
                continue;
            }
            table.add(new FaultTable.Row(name + " | stream", stream[p][0], stream[p][1], stream[p][2], stream[p][3],
                    scoring.failed[p].get(), note));
        }
        long brokerDropped = Math.round(droppedAfter - droppedBefore);
        table.add(new FaultTable.Row("broker stop/restart | predictions", scored[brokerPhase][0], scored[brokerPhase][1],
                Math.max(0, scored[brokerPhase][2] - brokerDropped), scored[brokerPhase][3],
                scoring.failed[brokerPhase].get(), "answers " + scoring.answered[brokerPhase].get() + ", degraded "
                        + scoring.degraded[brokerPhase].get() + ", drops counted " + brokerDropped));
        int servingKillPhase = phases.indexOf("kill -9 " + Platform.SERVING);
        double loadPerCore = FaultTable.loadPerCore();
        boolean calmHost = loadPerCore <= MAX_LOAD_PER_CORE;
        for (int p : new int[] {0, servingKillPhase, artifactPhase, registryPhase, slowPhase}) {
            String note = (p == servingKillPhase ? "not asserted (a SIGKILL may lose the log's queue); " : "")
                    + "versions answering " + scoring.versions[p] + ", degraded " + scoring.degraded[p].get()
                    + ", latency p50 " + scoring.p50Millis(p) + " ms" + (p == 0 || p == servingKillPhase ? ""
                            : scoring.p50Millis(p) <= scoring.budgetMs ? " (within budget)"
                            : calmHost ? " (OVER BUDGET)" : " (OVER BUDGET, not asserted: host overloaded)")
                    + ", over budget " + scoring.overBudget[p].get()
                    + ", max " + scoring.maxMicros[p].get() / 1000 + " ms (budget " + scoring.budgetMs + " ms)";
            table.add(new FaultTable.Row(phases.get(p) + " | predictions", scored[p][0], scored[p][1], scored[p][2],
                    scored[p][3], scoring.failed[p].get(), note));
        }
        long totalIn = 0;
        long totalOut = 0;
        long totalLost = 0;
        long totalDup = 0;
        for (long[] s : stream) {
            totalIn += s[0];
            totalOut += s[1];
            totalLost += s[2];
            totalDup += s[3];
        }
        table.add(new FaultTable.Row("whole stream | raw + labels -> vectors + examples", totalIn, totalOut, totalLost, totalDup,
                0, EVENTS + " raw events, " + otherVectors.size() + " vectors in other sets, alerts doubled "
                        + doubledAlerts));
        FaultTable.print("Fault suite (" + EVENTS + " raw events + labels)", table,
                Duration.ofNanos(System.nanoTime() - suiteStarted));

        // Then: the assertions behind the table
        assertThat(totalLost).as("raw events without a vector plus labelled events without an example").isZero();
        assertThat(totalDup).as("extra vectors plus extra examples").isZero();
        assertThat(totalIn).isEqualTo(2L * EVENTS);
        assertThat(doubledAlerts).as("alerts on the alerts topic more than once").isZero();
        assertThat(failures).as("registry and monitor state across kills").isEmpty();
        for (int p : new int[] {brokerPhase, artifactPhase, registryPhase, slowPhase}) {
            assertThat(scoring.failed[p].get()).as("failed scoring requests during " + phases.get(p)).isZero();
            assertThat(scored[p][3]).as("predictions logged twice during " + phases.get(p)).isZero();
        }
        assertThat(scored[brokerPhase][0]).as("answers while the broker was away").isPositive();
        assertThat(scored[brokerPhase][2]).as("answers during the broker outage neither logged nor counted as dropped")
                .isLessThanOrEqualTo(brokerDropped);
        for (int p : new int[] {artifactPhase, registryPhase, slowPhase}) {
            assertThat(scoring.versions[p].keySet()).as("versions answering during " + phases.get(p))
                    .containsOnly(v1);
            assertThat(scored[p][2]).as("answers not logged during " + phases.get(p)).isZero();
            // The server's own measurement from arrival to answer. The typical answer must be inside the budget
            // and none may wait for the fault (seconds); the share over budget is printed, not asserted. On a host
            // with many more runnable threads than cores (parallel builds) CPU starvation alone exceeds 25 ms: the
            // median is then printed and marked in the table, not asserted.
            if (calmHost) {
                assertThat(scoring.p50Millis(p)).as("median latency during " + phases.get(p))
                        .isLessThanOrEqualTo((double) scoring.budgetMs);
            }
            assertThat(scoring.maxMicros[p].get()).as("slowest answer during " + phases.get(p))
                    .isLessThan(1_000_000L);
        }
        assertThat(scoring.degraded[slowPhase].get()).as("soft-failure answers while the feature-service hung")
                .isPositive();
        assertThat(failure.path("reason").asText()).isNotBlank();
        assertThat(loadAlerts).as("serving's alert for the version that did not load").isNotEmpty();
    }

    // ---- the scenarios' checks

    private static JsonNode registryState() {
        return Readings.registryState(registry(), USE_CASE);
    }

    private static List<JsonNode> windows() {
        List<JsonNode> windows = new ArrayList<>();
        Http.get(platform.url(Platform.MONITOR) + "/v1/use-cases/" + USE_CASE + "/windows").json()
                .forEach(windows::add);
        return windows;
    }

    /**
     * The windows closed before the kill are there once each, with the same counts, and a window closes after the
     * restart; no window appears twice.
     */
    private static String checkMonitorWindows(List<JsonNode> before, List<String> failures) {
        List<JsonNode> after = await("a window closed after the monitor's restart", Duration.ofMinutes(1), () -> {
            List<JsonNode> now = windows();
            return now.size() > before.size() ? now : null;
        });
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Long> predictionsAfter = new HashMap<>();
        for (JsonNode w : after) {
            String key = w.get("version").asInt() + "/" + w.get("variant").asText() + "@" + w.get("windowStart").asLong();
            seen.merge(key, 1, Integer::sum);
            predictionsAfter.put(key, w.get("predictions").asLong());
        }
        long doubled = seen.values().stream().filter(n -> n > 1).count();
        long changed = 0;
        for (JsonNode w : before) {
            String key = w.get("version").asInt() + "/" + w.get("variant").asText() + "@" + w.get("windowStart").asLong();
            if (!Long.valueOf(w.get("predictions").asLong()).equals(predictionsAfter.get(key))) {
                changed++;
            }
        }
        if (doubled > 0 || changed > 0 || before.isEmpty()) {
            failures.add("monitor windows: " + before.size() + " before the kill, " + doubled + " doubled, " + changed
                    + " lost or changed after the restart");
        }
        return "windows " + before.size() + " kept, " + changed + " changed, " + doubled + " doubled, "
                + (after.size() - before.size()) + " closed since";
    }

    private static double droppedPredictions() {
        return Readings.metricSum(platform.url(Platform.SERVING), "brigade_serving_prediction_log_dropped_total");
    }

    // ---- the registry as its users use it

    private static String registry() {
        return platform.url(Platform.REGISTRY);
    }

    private static OutputTopics outputs() {
        return new OutputTopics(Map.of("bootstrap.servers", platform.bootstrapServers()));
    }

    private static CardFraudModels models() {
        return new CardFraudModels(platform, "fault suite");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    // ---- processes

    private static void signal(ProcessHandle process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + process.pid()).isZero();
    }

    private static void log(String what) {
        System.out.printf("%s fault suite: %s (scoring %s)%n", Instant.now(), what, phases.get(phase));
    }

    private static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        return Waits.await(what, timeout, probe);
    }
}
