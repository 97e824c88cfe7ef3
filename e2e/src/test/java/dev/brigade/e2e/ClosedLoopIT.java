package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.simulator.Drift;
import dev.brigade.simulator.ScoringClient.Outcome;
import dev.brigade.simulator.Simulator;
import dev.brigade.simulator.SimulatorConfig;

/**
 * The whole loop with nobody at the keyboard: the five services as processes on a real broker and the simulator
 * playing the delivery application. New labelled data trains the first model, which passes its gate and walks the
 * rollout to champion; then the couriers' trips get longer (covariate drift), the monitor detects it and asks for a
 * retrain, the kitchen trains on the drifted data, the new candidate is gated against the champion and walks shadow,
 * canary 5%, canary 25% to champion, and serving answers with it. Then a deliberately crippled run is stopped by
 * its gate, and a candidate that is good on paper but an hour late in production is cleared from its canary by the
 * monitor's guardrail. No scoring request fails once a model serves.
 * The loop is shortened as run-local shortens it (small windows and bakes), not changed.
 */
class ClosedLoopIT {

    private static final String USE_CASE = "delivery-eta";
    private static final int MONITOR_WINDOW_SECONDS = 20;
    /** The distance-drift rule's persistence line in the spec; group 1 is all of it before the number. */
    private static final String DISTANCE_DRIFT_PERSISTENCE =
            "(name: distance-drift\\n(?:    .*\\n)*?    persistence: )";
    /** The loop shortened as run-local shortens it: small windows and intervals. */
    static final Map<String, String> SHORT_LOOP_ENV = Map.of(
            "BRIGADE_NEW_DATA_INTERVAL", "3s",
            "BRIGADE_ROLLOUT_INTERVAL", "1s",
            "BRIGADE_MONITOR_WINDOW", MONITOR_WINDOW_SECONDS + "s",
            "BRIGADE_MONITOR_WINDOW_GRACE", "3s",
            "BRIGADE_MONITOR_WINDOW_QUIET", "3s",
            "BRIGADE_MONITOR_WINDOW_IDLE_CLOSE", "20s",
            // DL4J's native code on one thread: on a small host shared with other work an OpenMP team mostly waits
            // for its members, and the kitchen's runs take many times longer
            "OMP_NUM_THREADS", "1");
    private static Platform platform;
    private static Simulator simulator;

    @BeforeAll
    static void startPlatform() {
        platform = Platform.start("closed-loop", List.of(Platform.REGISTRY, Platform.FEATURE, Platform.TRAINING,
                Platform.SERVING, Platform.MONITOR), SHORT_LOOP_ENV);
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void driftRetrainsAndTheNewChampionServesWithoutAFailedRequest() throws Exception {
        // Given delivery-eta with the local loop's short policy: 3000 new examples, 20 s cooldown, 5 s bakes, alert
        // rules over 200 samples held for 2 windows (the distance drift for 5, see below); the latency budget's rule
        // lifted to 1 s, because a test host shared with parallel builds breaks 50 ms at times, and a latency
        // rollback is not what this test is about.
        // 3000 examples, not fewer: the first model must beat the linear baseline at its gate, and only orders from
        // couriers past their load penalty's cap (about 30 s of simulated orders) give a network an edge over a line.
        // Trained offline on 8 simulated worlds, the network's MAE lift over the line was 0.02 to 0.45 minutes at
        // 1170 examples and 0.67 to 1.21 at 3000 (a CI run with 1171 examples got no first champion).
        // The distance drift must hold for 5 windows, not 2, so that the drift run trains on drifted orders: the
        // split is by event time, and its newest 32% (holdout, then validation) took nearly every order of the 40 s
        // after the drift; that run learnt from a few hundred of them, and one CI run's candidate lost to the champion.
        // The loop-time benchmark plays more orders a second and holds the drift for fewer windows, so that the drift
        // run reads tens of thousands of examples of which enough are drifted (e2e/bench/loop-time.sh). A history of
        // 50k orders published first would be older than the drift: the run's training split then held about 3,000
        // drifted orders among 55,000, and its network did not beat its linear baseline on the drifted holdout.
        int rate = Integer.getInteger("brigade.loop.rate", 60);
        int driftWindows = Integer.getInteger("brigade.loop.drift-windows", 5);
        String spec = shortLoopSpec(Files.readString(Platform.repoRoot().resolve("use-cases/" + USE_CASE + ".yaml")),
                driftWindows);
        Http.Answer registered = Http.put(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE,
                "application/yaml", spec, "rita", "rita-local");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);

        // And the delivery application, scoring every order before publishing it, labels 2 s later on average
        simulator = new Simulator(SimulatorConfig.from(new String[] {
            "--bootstrap-servers=" + platform.bootstrapServers(), "--serving-url=" + platform.url(Platform.SERVING),
            "--use-cases=" + USE_CASE, "--rate=" + rate, "--label-delay-ms=2000", "--score-timeout-ms=2000"},
            Map.of()));
        simulator.start();

        // When enough labelled orders arrived, Then the kitchen starts a first run by itself (NEW_DATA)
        await("a first run", Duration.ofMinutes(4), () -> {
            for (JsonNode r : Http.get(platform.url(Platform.TRAINING) + "/v1/runs?useCase=" + USE_CASE).json()) {
                if (!r.get("status").asText().equals("SKIPPED") && !r.get("status").asText().equals("QUEUED")) {
                    return Boolean.TRUE;
                }
            }
            return null;
        });

        // And from now on the team retrains on evidence of drift only (spec v2 drops new-data and degraded), so the
        // next model comes from the monitor's drift signal, not from the steady trickle of new examples, nor from
        // the first model's realised error, which grows by itself as the couriers' hourly load outgrows the first
        // minutes of orders it learnt from. A drift run needs 1000 new examples, not the first run's 3000 (the policy's
        // count applies to every signal, and the drift alert can come before 3000 more orders were labelled).
        String evidenceOnly = spec.replaceAll("(?m)^(  signals: ).*$", "$1" + "[drift, manual]")
                .replaceAll("(?m)^(  minNewLabelledExamples: ).*$", "$1" + "1000");
        assertThat(evidenceOnly).isNotEqualTo(spec);
        Http.Answer v2 = Http.put(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE,
                "application/yaml", evidenceOnly, "rita", "rita-local");
        assertThat(v2.status()).as(v2.body()).isEqualTo(201);

        // And the first model is gated and rolled out to champion, and serving answers with it
        int initial = await("a first champion", Duration.ofMinutes(6), () -> champion());
        await("serving to answer with champion v" + initial, Duration.ofMinutes(1),
                () -> simulator.servedBy().containsKey(USE_CASE + " v" + initial + " CHAMPION") ? initial : null);
        long failedBefore = simulator.scoring(Outcome.FAILED) + simulator.scoring(Outcome.REFUSED);
        awaitIdleKitchen();
        int first = await("a settled rollout", Duration.ofMinutes(2), () -> {
            JsonNode aliases = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/aliases")
                    .json();
            boolean settled = aliases.path("shadow").isNull() && aliases.path("canary").isNull();
            return settled ? champion() : null;
        });
        await("serving to answer with champion v" + first, Duration.ofMinutes(1),
                () -> simulator.servedBy().containsKey(USE_CASE + " v" + first + " CHAMPION") ? first : null);

        // When the couriers' trips get longer (covariate drift)
        Instant drifted = Instant.now();
        simulator.drift(USE_CASE, Drift.COVARIATE);

        // Then the monitor raises the distance drift with its owner and asks for a retrain
        Duration alertWithin = Duration.ofMinutes(4).plusSeconds((long) MONITOR_WINDOW_SECONDS * (driftWindows - 5));
        JsonNode alert = await("a distance-drift alert", alertWithin, () -> {
            JsonNode alerts = Http.get(platform.url(Platform.MONITOR) + "/v1/use-cases/" + USE_CASE + "/alerts")
                    .json();
            for (JsonNode a : alerts.get("recent")) {
                if (a.get("rule").asText().equals("distance-drift")) {
                    return a;
                }
            }
            return null;
        });
        assertThat(alert.get("owner").asText()).isEqualTo("eta-ml-team");

        // And a run on the drifted data yields a candidate that walks the rollout and becomes champion
        int next = await("a new champion", Duration.ofMinutes(6), () -> {
            Integer champion = champion();
            return champion != null && champion > first ? champion : null;
        });
        JsonNode aliasHistory = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE
                + "/aliases/history").json();
        List<String> steps = new java.util.ArrayList<>();
        for (JsonNode move : aliasHistory) {
            if (move.path("toVersion").asInt(-1) == next) {
                steps.add(move.get("alias").asText().toUpperCase() + (move.hasNonNull("trafficPercent")
                        ? " " + move.get("trafficPercent").asInt() + "%" : ""));
            }
        }
        assertThat(steps).containsExactly("SHADOW", "CANARY 5%", "CANARY 25%", "CHAMPION");
        JsonNode version = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/versions/"
                + next).json().get("version");
        assertThat(version.get("gate").get("championVersion").asInt()).isEqualTo(first);
        String runId = version.get("lineage").get("trainingRunId").asText();
        JsonNode run = Http.get(platform.url(Platform.TRAINING) + "/v1/runs/" + runId).json();
        assertThat(Instant.parse(run.get("startedAt").asText())).isAfter(drifted);
        assertThat(run.get("reason").asText()).isIn("DRIFT", "DEGRADED");
        // And it learnt from drifted orders: its training split (the oldest rows) reaches well past the drift
        assertThat(Instant.parse(run.get("training").get("to").asText())).as(run.get("training").toString())
                .isAfter(drifted.plusSeconds(30));

        // And serving answers with it, and no scoring request failed since the first champion served
        await("serving to answer with champion v" + next, Duration.ofMinutes(1),
                () -> simulator.servedBy().containsKey(USE_CASE + " v" + next + " CHAMPION") ? next : null);
        Instant swapped = Instant.now();
        printLoopTime(drifted, Instant.ofEpochMilli(alert.get("at").asLong()), driftWindows, run, version,
                aliasHistory, next, swapped);
        assertThat(simulator.scoring(Outcome.FAILED) + simulator.scoring(Outcome.REFUSED)).as("failed scoring calls")
                .isEqualTo(failedBefore);
        System.out.printf("closed loop: first champion v%d, drift at %s, alert, run %s (%s) trained on %s,"
                + " champion v%d (%s); answers by version %s%n", first, drifted, runId, run.get("reason").asText(),
                run.get("training"), next, primaryMetricCheck(version), simulator.servedBy());

        // And a worse candidate stops at the gate, and a canary that breaks a guardrail in production loses its
        // traffic, while the champion keeps answering every request
        // (Spec v3: from here on runs only by hand, realised error is guarded live, and a rollout is one long 25%
        // canary; see guardedSpec.)
        Http.Answer v3 = Http.put(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE,
                "application/yaml", guardedSpec(evidenceOnly), "rita", "rita-local");
        assertThat(v3.status()).as(v3.body()).isEqualTo(201);
        worseCandidateIsBlockedByTheGate(next);
        canaryOverItsGuardrailIsClearedByTheMonitor(next);
        assertThat(simulator.scoring(Outcome.FAILED) + simulator.scoring(Outcome.REFUSED))
                .as("failed scoring calls over the whole run").isEqualTo(failedBefore);

        // And every metric the shipped Grafana dashboard queries is exposed by the running services, but for the
        // counters that only appear once their event happened (a whole loop does not provoke every failure)
        List<String> scrapes = java.util.stream.Stream.of(Platform.FEATURE, Platform.TRAINING, Platform.REGISTRY,
                Platform.SERVING, Platform.MONITOR).map(s -> Http.get(platform.url(s) + "/q/metrics").body())
                .toList();
        List<String> missing = DashboardMetrics.missing(scrapes);
        System.out.printf("Grafana dashboard: %d metric names, missing after the loop %s%n",
                DashboardMetrics.names(Platform.repoRoot().resolve(DashboardMetrics.DASHBOARD)).size(), missing);
        assertThat(missing).as("dashboard metrics no service exposes after a whole loop")
                .isSubsetOf(DashboardMetrics.ABSENT_UNTIL.keySet());
    }

    /**
     * delivery-eta's spec with the local loop's short policy (see the test's Given): 3000 new examples, 20 s
     * cooldown, 5 s bakes, alert rules over 200 samples held for 2 windows and the distance drift for
     * {@code driftWindows}, 8 epochs, the latency rule at 1 s.
     */
    static String shortLoopSpec(String spec, int driftWindows) {
        String shortened = spec
                .replaceAll("(?m)^(  minNewLabelledExamples: ).*$", "$1" + "3000")
                .replaceAll("(?m)^(  cooldown: ).*$", "$1" + "20s")
                .replaceAll("(?m)^(  maxRunsPerDay: ).*$", "$1" + "50")
                .replaceAll("(?m)^( +bake: ).*$", "$1" + "5s")
                .replaceAll("(?m)^(    minSamples: ).*$", "$1" + "200")
                .replaceAll("(?m)^(    persistence: ).*$", "$1" + "2")
                .replaceAll(DISTANCE_DRIFT_PERSISTENCE + "2", "$1" + driftWindows)
                .replace("maxEpochs: 30", "maxEpochs: 8")
                .replaceAll("(metric: p99LatencyMs\\s+when: above\\s+threshold: )50", "$1" + "1000");
        assertThat(shortened).contains("threshold: 1000")
                .containsPattern(DISTANCE_DRIFT_PERSISTENCE + driftWindows);
        return shortened;
    }

    /**
     * Someone asks the kitchen for a run with crippling hyperparameters (one hidden unit, one epoch, a learning rate
     * that barely moves the weights): the run completes and registers its candidate, the gate fails it against the
     * champion, no alias moves to it and serving keeps answering with the champion.
     */
    private static void worseCandidateIsBlockedByTheGate(int champion) {
        Instant asked = Instant.now();
        long championAnswers = answers(champion, "CHAMPION");

        // When a manual run asks for a model that cannot learn the delivery times (on an idle kitchen: a request
        // joins a live run and trains with that run's parameters)
        JsonNode run = await("a finished crippled run", Duration.ofMinutes(8), () -> {
            awaitIdleKitchen();
            Http.Answer accepted = Http.postJson(platform.url(Platform.TRAINING) + "/v1/use-cases/" + USE_CASE
                    + "/trainings", Map.of("hyperparameterOverrides", Map.of("hiddenLayers", "1", "maxEpochs", "1",
                            "batchSize", "4096", "learningRate", "0.000001")), "rita", "rita-local");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String id = accepted.json().get("runId").asText();
            JsonNode ended = await("run " + id + " to end", Duration.ofMinutes(5), () -> {
                JsonNode r = Http.get(platform.url(Platform.TRAINING) + "/v1/runs/" + id).json();
                String status = r.get("status").asText();
                return status.equals("QUEUED") || status.equals("RUNNING") ? null : r;
            });
            if (ended.get("status").asText().equals("SKIPPED") || !ended.get("reason").asText().equals("MANUAL")) {
                // the policy's cooldown or too few new examples since the DRIFT run, or our request joined a run
                // someone else asked for: ask again a little later
                ServiceProcess.sleep(3000);
                return null;
            }
            return ended;
        });
        assertThat(run.get("status").asText()).as(run.path("statusReason").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("reason").asText()).isEqualTo("MANUAL");
        assertThat(run.get("hyperparameters").get("hiddenLayers").asText()).isEqualTo("1");
        int worse = run.get("modelVersion").asInt();
        Instant registered = Instant.now();

        // Then the registry holds it with a failed gate that names the primary-metric check against the champion
        JsonNode version = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/versions/"
                + worse).json().get("version");
        JsonNode gate = version.get("gate");
        assertThat(gate.get("passed").asBoolean()).as(gate.toString()).isFalse();
        assertThat(gate.get("championVersion").asInt()).isEqualTo(champion);
        List<String> failed = new java.util.ArrayList<>();
        for (JsonNode check : gate.get("checks")) {
            if (check.get("outcome").asText().equalsIgnoreCase("failed")) {
                failed.add(check.get("name").asText());
            }
        }
        assertThat(failed).as(gate.toString()).contains("primary-metric");

        // And over a few rollout intervals (longer than a bake) no alias moves to it and the champion keeps serving
        ServiceProcess.sleep(8000);
        JsonNode aliases = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/aliases")
                .json();
        assertThat(aliases.get("champion").get("version").asInt()).isEqualTo(champion);
        assertThat(aliases.path("canary").isNull() && aliases.path("shadow").isNull()).as(aliases.toString())
                .isTrue();
        for (JsonNode move : Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE
                + "/aliases/history").json()) {
            assertThat(move.path("toVersion").asInt(-1)).as(move.toString()).isNotEqualTo(worse);
        }
        assertThat(simulator.servedBy().keySet()).noneMatch(k -> k.startsWith(USE_CASE + " v" + worse + " "));
        assertThat(answers(champion, "CHAMPION")).isGreaterThan(championAnswers);
        System.out.printf("worse candidate: run %s (%s) -> v%d registered %.1f s after the request, gate failed %s;"
                + " champion v%d still answering%n", run.get("runId").asText(), run.get("hyperparameters"), worse,
                Duration.between(asked, registered).toMillis() / 1000.0, failed, champion);
    }

    /**
     * A version that looks good offline but is bad live enters a 25% canary; the monitor's realised-error guardrail
     * fires on its windows, its rollback action clears the canary as monitor-service, serving stops routing to it,
     * and the rollout driver leaves it alone from then on.
     */
    private static void canaryOverItsGuardrailIsClearedByTheMonitor(int champion) throws Exception {
        // Given a candidate whose offline report is as good as the champion's but which predicts every delivery an
        // hour late. It stands for what canaries exist to catch: an offline evaluation that does not carry over
        // to production (a leak into the holdout, a bug between evaluation and export). It is registered openly by
        // the registrar rita over the registry's API, with the champion's network and report (compared with the
        // champion, a small claimed gain), and its artifact's output shifted by +60 minutes; nothing is faked
        // inside the platform: the registry gates it on that report as it would any candidate.
        int bad = registerLateCandidate(champion);
        Instant entered = awaitInstant("v" + bad + " in the canary", () -> {
            JsonNode canary = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/aliases")
                    .json().path("canary");
            return canary.path("version").asInt(-1) == bad ? Instant.now() : null;
        }, Duration.ofMinutes(1));
        await("serving to route to canary v" + bad, Duration.ofMinutes(1),
                () -> answers(bad, "CANARY") > 0 ? Boolean.TRUE : null);

        // When its realised error breaks the guardrail, Then the monitor raises the alert for it
        JsonNode alert = await("a mae-guardrail alert on v" + bad, Duration.ofMinutes(5), () -> {
            JsonNode alerts = Http.get(platform.url(Platform.MONITOR) + "/v1/use-cases/" + USE_CASE + "/alerts")
                    .json();
            for (JsonNode a : alerts.get("recent")) {
                if (a.get("rule").asText().equals("mae-guardrail") && a.path("modelVersion").asInt(-1) == bad
                        && a.get("kind").asText().equals("raised")) {
                    return a;
                }
            }
            return null;
        });
        assertThat(alert.get("value").asDouble()).isGreaterThan(30.0);

        // And its rollback action clears the canary in the registry, as the monitor's account, with the alert as why
        JsonNode clear = await("the canary cleared", Duration.ofMinutes(1), () -> {
            for (JsonNode move : Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE
                    + "/aliases/history").json()) {
                if (move.path("fromVersion").asInt(-1) == bad && move.get("alias").asText().equalsIgnoreCase("canary")
                        && move.get("kind").asText().equalsIgnoreCase("clear")) {
                    return move;
                }
            }
            return null;
        });
        assertThat(clear.get("actor").asText()).isEqualTo("monitor-service");
        assertThat(clear.get("why").asText()).contains(alert.get("alertId").asText());
        Instant cleared = Instant.parse(clear.get("at").asText());
        // (the monitor records the action once the registry answered, which is after the clear is in the history)
        JsonNode action = await("the monitor's record of its rollback action", Duration.ofMinutes(1), () -> {
            for (JsonNode a : Http.get(platform.url(Platform.MONITOR) + "/v1/use-cases/" + USE_CASE + "/alerts")
                    .json().get("actions")) {
                if (a.get("alertId").asText().equals(alert.get("alertId").asText())) {
                    return a;
                }
            }
            return null;
        });
        assertThat(action.get("outcome").asText()).as(action.toString()).isEqualTo("done");
        assertThat(action.get("detail").asText()).contains("v" + bad + " (canary)");

        // And serving stops routing to it within seconds: its canary answers stop growing
        long[] last = {answers(bad, "CANARY"), System.nanoTime()};
        Instant stopped = await("serving to stop routing to v" + bad, Duration.ofMinutes(1), () -> {
            long now = answers(bad, "CANARY");
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
                return null;
            }
            long quiet = System.nanoTime() - last[1];
            return quiet >= Duration.ofSeconds(5).toNanos()
                    ? Instant.now().minusNanos(quiet) : null;
        });
        assertThat(Duration.between(cleared, stopped)).as("last canary answer after the clear")
                .isLessThan(Duration.ofSeconds(30));

        // And the rollout driver does not take it back, the champion is unchanged and nobody was refused
        JsonNode aliases = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/aliases")
                .json();
        assertThat(aliases.path("canary").isNull()).as(aliases.toString()).isTrue();
        assertThat(aliases.get("champion").get("version").asInt()).isEqualTo(champion);
        System.out.printf("canary rollback: v%d canary at %s, alert %s (mae %.2f) %.1f s later, canary cleared by"
                + " %s %.1f s after the alert, last canary answer %.1f s after the clear; answers %s%n", bad, entered,
                alert.get("alertId").asText(), alert.get("value").asDouble(),
                (alert.get("at").asLong() - entered.toEpochMilli()) / 1000.0, clear.get("actor").asText(),
                (cleared.toEpochMilli() - alert.get("at").asLong()) / 1000.0,
                Duration.between(cleared, stopped).toMillis() / 1000.0, simulator.servedBy());
    }

    /**
     * Spec v3 of the IT's spec. Runs only by hand from now on (no drift or degraded run may bring a new champion in
     * the middle of the two phases). Realised error is guarded live: mae above 30 minutes in one window of 20
     * labelled deliveries rolls the version back (a gross failure needs few, and a starved host labels few a window);
     * the champion is near 4 and nowhere near 30 even as the world moves on. The rollout is one long 25% canary: shadow is left out so that the alert meets the version in its
     * canary, as this phase means to show (the monitor's rollback leaves a shadow alone, so with a shadow step the
     * outcome would depend on which alias the version holds when its first window closes).
     */
    private static String guardedSpec(String spec) {
        String guarded = spec.replaceAll("(?m)^(  signals: ).*$", "$1" + "[manual]")
                .replaceAll("(?s)(  rollout:\n).*?(\ntraining:)", "$1    - alias: canary\n"
                        + "      trafficPercent: 25\n      bake: 10m\n    - alias: champion\n$2")
                // first in the list, so the edit holds whatever sections follow the alert rules
                .replaceFirst("(?m)^alertRules:\n", "alertRules:\n"
                        + "  - name: mae-guardrail\n    metric: mae\n    when: above\n    threshold: 30.0\n"
                        + "    minSamples: 20\n    persistence: 1\n    severity: page\n"
                        + "    owner: logistics-platform-oncall\n"
                        + "    playbook: A version half an hour off on average is broken; it loses its traffic at once.\n"
                        + "    action: rollback\n");
        assertThat(guarded).contains("signals: [manual]").contains("bake: 10m")
                .contains("mae-guardrail");
        return guarded;
    }

    /** Registers the champion's network with its output shifted an hour late, under the champion's report. */
    private static int registerLateCandidate(int champion) throws Exception {
        String registry = platform.url(Platform.REGISTRY);
        JsonNode view = Http.get(registry + "/v1/use-cases/" + USE_CASE + "/versions/" + champion).json();
        JsonNode championVersion = view.get("version");
        byte[][] bytes = new byte[1][];
        Http.Answer download = Http.getBytes(registry + "/v1/artifacts/" + championVersion.get("artifactSha256")
                .asText(), b -> bytes[0] = b);
        assertThat(download.status()).isEqualTo(200);
        dev.brigade.model.ModelArtifact artifact = dev.brigade.model.ModelArtifactCodec.decode(bytes[0]);
        dev.brigade.model.OutputScale scale = artifact.getOutputScale();
        byte[] late = dev.brigade.model.ModelArtifactCodec.encode(dev.brigade.model.ModelArtifact.newBuilder(artifact)
                .setOutputScale(scale == null ? new dev.brigade.model.OutputScale(60.0, 1.0)
                        : new dev.brigade.model.OutputScale(scale.getMean() + 60.0, scale.getStd()))
                .build());

        com.fasterxml.jackson.databind.node.ObjectNode report = withoutNulls(championVersion.get("evaluationReport"));
        // The champion's fairness section stays: the gate's fairness check needs the protected attribute's slices.
        report.remove(List.of("worstExamples", "latency"));
        double mae = report.get("overall").get("metrics").get("mae").asDouble();
        com.fasterxml.jackson.databind.node.ObjectNode comparison = report.putObject("championComparison");
        comparison.put("championVersion", champion).put("metric", "mae").put("candidate", mae - 0.05)
                .put("champion", mae).put("delta", (mae - 0.05) - mae).put("ciLow", -0.15).put("ciHigh", 0.05)
                .put("n", report.get("overall").get("n").asLong()).put("confidence", 0.95).put("resamples", 1000);
        com.fasterxml.jackson.databind.node.ObjectNode business =
                (com.fasterxml.jackson.databind.node.ObjectNode) report.get("businessMetric");
        double cost = business.get("candidate").asDouble();
        business.put("candidate", cost - 0.01).put("champion", cost);
        com.fasterxml.jackson.databind.node.ObjectNode lineage = withoutNulls(championVersion.get("lineage"));
        lineage.put("trainingRunId", "closed-loop-it-an-hour-late");
        com.fasterxml.jackson.databind.node.ObjectNode metadata = Http.JSON.createObjectNode();
        metadata.set("contract", withoutNulls(championVersion.get("contract")));
        metadata.set("lineage", lineage);
        metadata.set("evaluationReport", report);
        metadata.set("referenceProfile", withoutNulls(championVersion.get("referenceProfile")));
        metadata.put("role", "candidate");
        metadata.put("reason", "closed-loop IT: good on paper, an hour late in production");

        String boundary = "closed-loop-" + java.util.UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"artifact\"; filename=\"late.brgmodel\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(late);
        body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(Http.JSON.writeValueAsBytes(metadata));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry
                + "/v1/use-cases/" + USE_CASE + "/versions"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("rita:rita-local"
                        .getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonNode registered = Http.JSON.readTree(answer.body()).get("version");
        assertThat(registered.get("gate").get("passed").asBoolean()).as(registered.get("gate").toString()).isTrue();
        assertThat(registered.get("registeredBy").asText()).isEqualTo("rita");
        return registered.get("version").asInt();
    }

    /** A copy without null members or empty arrays, as a client writes optional fields: by leaving them out. */
    private static com.fasterxml.jackson.databind.node.ObjectNode withoutNulls(JsonNode node) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = (com.fasterxml.jackson.databind.node.ObjectNode) node
                .deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node.isObject()) {
            java.util.Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                JsonNode value = fields.next().getValue();
                if (value.isNull() || (value.isArray() && value.isEmpty())) {
                    fields.remove();
                } else {
                    strip(value);
                }
            }
        } else if (node.isArray()) {
            node.forEach(ClosedLoopIT::strip);
        }
    }

    /** Answers the simulator got from this version in this variant so far. */
    private static long answers(int version, String variant) {
        Long n = simulator.servedBy().get(USE_CASE + " v" + version + " " + variant);
        return n == null ? 0 : n;
    }

    private static Instant awaitInstant(String what, Supplier<Instant> probe, Duration timeout) {
        return await(what, timeout, probe);
    }

    /** Where the loop's time went, stage by stage, from the records the stations keep (the swap polled each second). */
    private static void printLoopTime(Instant drifted, Instant alerted, int driftWindows, JsonNode run,
            JsonNode version, JsonNode aliasHistory, int next, Instant swapped) {
        Instant requested = Instant.parse(run.get("createdAt").asText());
        Instant registered = Instant.parse(version.get("registeredAt").asText());
        Instant champion = null;
        for (JsonNode move : aliasHistory) {
            if (move.path("toVersion").asInt(-1) == next && move.get("alias").asText().equalsIgnoreCase("champion")) {
                champion = Instant.parse(move.get("at").asText());
            }
        }
        Instant started = Instant.parse(run.get("startedAt").asText());
        String[][] stages = {
            {"detect (drift injected -> alert raised)", seconds(drifted, alerted)},
            {"  set by the rule: " + driftWindows + " windows of " + MONITOR_WINDOW_SECONDS + " s (the first partly "
                + "drifted)", String.valueOf(driftWindows * MONITOR_WINDOW_SECONDS)},
            {"decide (alert -> training request accepted)", seconds(alerted, requested)},
            {"train and gate (request -> candidate registered; the registry gates it inside that call)",
                seconds(requested, registered)},
            {"  of which dataset read, fit, evaluation and registration", seconds(started, registered)},
            {"roll out (registered -> champion alias; the run records itself meanwhile)", seconds(registered,
                    champion)},
            {"swap (champion alias -> first answer by it, polled each second)", seconds(champion, swapped)},
            {"total (drift injected -> new champion answering)", seconds(drifted, swapped)}};
        System.out.printf("%nLoop time, %s examples in the run:%n", run.path("training").path("n").asLong()
                + run.path("validation").path("n").asLong() + run.path("holdout").path("n").asLong());
        for (String[] stage : stages) {
            System.out.printf("  %-66s %8s s%n", stage[0], stage[1]);
        }
    }

    private static String primaryMetricCheck(JsonNode version) {
        for (JsonNode check : version.path("gate").path("checks")) {
            if (check.path("name").asText().equals("primary-metric")) {
                return check.path("detail").asText();
            }
        }
        return "no primary-metric check";
    }

    private static String seconds(Instant from, Instant to) {
        return from == null || to == null ? "?" : String.format("%.1f", Duration.between(from, to).toMillis() / 1000.0);
    }

    /** Waits until no run is queued or running, so a run started before the spec change cannot be the next model. */
    private static void awaitIdleKitchen() {
        await("an idle kitchen", Duration.ofMinutes(6), () -> {
            JsonNode runs = Http.get(platform.url(Platform.TRAINING) + "/v1/runs?useCase=" + USE_CASE).json();
            for (JsonNode run : runs) {
                String status = run.get("status").asText();
                if (status.equals("QUEUED") || status.equals("RUNNING")) {
                    return null;
                }
            }
            return Boolean.TRUE;
        });
    }

    private static Integer champion() {
        Http.Answer answer = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/aliases");
        if (answer.status() != 200) {
            return null;
        }
        JsonNode champion = answer.json().get("champion");
        return champion == null || champion.isNull() ? null : champion.get("version").asInt();
    }

    private static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            ServiceProcess.sleep(1000);
        }
        throw new AssertionError("no " + what + " within " + timeout + "; " + diagnosis());
    }

    /**
     * What a failed wait needs to be understood from CI's output alone: each run in a line, each version with its
     * failed gate checks, the aliases. The runs' full records (evaluation, worst examples) would bury it.
     */
    private static String diagnosis() {
        StringBuilder out = new StringBuilder("simulator: " + simulator.servedBy());
        for (JsonNode r : Http.get(platform.url(Platform.TRAINING) + "/v1/runs").json()) {
            out.append("\n  run ").append(r.path("runId").asText()).append(' ').append(r.path("reason").asText())
                    .append(' ').append(r.path("status").asText()).append(" reason=")
                    .append(r.path("statusReason").asText()).append(" model=v").append(r.path("modelVersion"))
                    .append(" started=").append(r.path("startedAt").asText()).append(" finished=")
                    .append(r.path("finishedAt").asText());
            for (String split : List.of("training", "validation", "holdout")) {
                JsonNode summary = r.path(split);
                if (summary.has("n")) {
                    out.append("\n    ").append(split).append(' ').append(summary.path("n").asLong())
                            .append(" rows ").append(summary.path("from").asText()).append(" .. ")
                            .append(summary.path("to").asText());
                }
            }
        }
        String versions = platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/versions";
        Http.Answer list = Http.get(versions);
        if (list.status() == 200) {
            for (JsonNode v : list.json()) {
                JsonNode gate = Http.get(versions + "/" + v.path("version").asInt()).json().path("version")
                        .path("gate");
                out.append("\n  v").append(v.path("version")).append(" gatePassed=").append(v.path("gatePassed"))
                        .append(" alias=").append(v.path("alias").asText());
                for (JsonNode check : gate.path("checks")) {
                    if ("FAILED".equals(check.path("outcome").asText())) {
                        out.append("\n    ").append(check.path("name").asText()).append(" FAILED: ")
                                .append(check.path("detail").asText());
                    }
                }
            }
        }
        return out.append("\n  aliases: ").append(Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/"
                + USE_CASE + "/aliases").body()).toString();
    }
}
