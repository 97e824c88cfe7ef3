package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.simulator.DeliveryEtaWorld;
import dev.brigade.simulator.Drift;
import dev.brigade.simulator.ScoringClient.Outcome;
import dev.brigade.simulator.Simulator;
import dev.brigade.simulator.SimulatorConfig;

/**
 * The whole loop with nobody at the keyboard: the five services as processes on a real broker and the simulator
 * playing the delivery application. New labelled data trains the first model, which passes its gate and walks the
 * rollout to champion; then the couriers' trips get longer (covariate drift), the monitor detects it and asks for a
 * retrain, the kitchen trains on the drifted data, the new candidate is gated against the champion and walks shadow,
 * canary 5%, canary 25% to champion, and serving answers with it. No scoring request fails once a model serves.
 * The loop is shortened as run-local shortens it (small windows and bakes), not changed.
 */
class ClosedLoopIT {

    private static final String USE_CASE = "delivery-eta";
    private static Platform platform;
    private static Simulator simulator;

    @BeforeAll
    static void startPlatform() {
        platform = Platform.start("closed-loop", List.of(Platform.REGISTRY, Platform.FEATURE, Platform.TRAINING,
                Platform.SERVING, Platform.MONITOR), Map.of(
                        "BRIGADE_NEW_DATA_INTERVAL", "3s",
                        "BRIGADE_ROLLOUT_INTERVAL", "1s",
                        "BRIGADE_MONITOR_WINDOW", "20s",
                        "BRIGADE_MONITOR_WINDOW_GRACE", "3s",
                        "BRIGADE_MONITOR_WINDOW_QUIET", "3s",
                        "BRIGADE_MONITOR_WINDOW_IDLE_CLOSE", "20s"));
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
        // Given delivery-eta with the local loop's short policy: 1000 new examples, 20 s cooldown, 5 s bakes, alert
        // rules over 200 samples held for 2 windows
        String spec = Files.readString(Platform.repoRoot().resolve("use-cases/" + USE_CASE + ".yaml"))
                .replaceAll("(?m)^(  minNewLabelledExamples: ).*$", "$1" + "1000")
                .replaceAll("(?m)^(  cooldown: ).*$", "$1" + "20s")
                .replaceAll("(?m)^(  maxRunsPerDay: ).*$", "$1" + "50")
                .replaceAll("(?m)^( +bake: ).*$", "$1" + "5s")
                .replaceAll("(?m)^(    minSamples: ).*$", "$1" + "200")
                .replaceAll("(?m)^(    persistence: ).*$", "$1" + "2")
                .replace("maxEpochs: 30", "maxEpochs: 8");
        Http.Answer registered = Http.put(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE,
                "application/yaml", spec, "rita", "rita-local");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);

        // And the delivery application, scoring every order before publishing it, labels 2 s later on average
        // (The loop-time benchmark first publishes a history of orders, e.g. -Dbrigade.loop.history=50000.)
        int history = Integer.getInteger("brigade.loop.history", 0);
        if (history > 0) {
            History.publish(platform.bootstrapServers(), new DeliveryEtaWorld(5), history, Duration.ofHours(6),
                    Duration.ofMinutes(5));
        }
        simulator = new Simulator(SimulatorConfig.from(new String[] {
            "--bootstrap-servers=" + platform.bootstrapServers(), "--serving-url=" + platform.url(Platform.SERVING),
            "--use-cases=" + USE_CASE, "--rate=60", "--label-delay-ms=2000", "--score-timeout-ms=2000"}, Map.of()));
        simulator.start();

        // When enough labelled orders arrived, Then a first model is trained, gated and rolled out to champion
        int initial = await("a first champion", Duration.ofMinutes(4 + history / 10_000), () -> champion());
        await("serving to answer with champion v" + initial, Duration.ofMinutes(1),
                () -> simulator.servedBy().containsKey(USE_CASE + " v" + initial + " CHAMPION") ? initial : null);
        long failedBefore = simulator.scoring(Outcome.FAILED) + simulator.scoring(Outcome.REFUSED);

        // And from now on the team retrains on evidence only (spec v2 drops new-data), so the next model comes from
        // the monitor's signal and not from the steady trickle of new examples
        String evidenceOnly = spec.replaceAll("(?m)^(  signals: ).*$", "$1" + "[drift, degraded, manual]");
        assertThat(evidenceOnly).isNotEqualTo(spec);
        Http.Answer v2 = Http.put(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE,
                "application/yaml", evidenceOnly, "rita", "rita-local");
        assertThat(v2.status()).as(v2.body()).isEqualTo(201);
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
        JsonNode alert = await("a distance-drift alert", Duration.ofMinutes(4), () -> {
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
        // (A large history makes the run longer: a minute more per 10k examples.)
        int next = await("a new champion", Duration.ofMinutes(6 + history / 10_000), () -> {
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

        // And serving answers with it, and no scoring request failed since the first champion served
        await("serving to answer with champion v" + next, Duration.ofMinutes(1),
                () -> simulator.servedBy().containsKey(USE_CASE + " v" + next + " CHAMPION") ? next : null);
        Instant swapped = Instant.now();
        printLoopTime(drifted, Instant.ofEpochMilli(alert.get("at").asLong()), run, version, aliasHistory, next,
                swapped);
        assertThat(simulator.scoring(Outcome.FAILED) + simulator.scoring(Outcome.REFUSED)).as("failed scoring calls")
                .isEqualTo(failedBefore);
        System.out.printf("closed loop: first champion v%d, drift at %s, alert, run %s (%s), champion v%d;"
                + " answers by version %s%n", first, drifted, runId, run.get("reason").asText(), next,
                simulator.servedBy());
    }

    /** Where the loop's time went, stage by stage, from the records the stations keep (the swap polled each second). */
    private static void printLoopTime(Instant drifted, Instant alerted, JsonNode run, JsonNode version,
            JsonNode aliasHistory, int next, Instant swapped) {
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

    private static String seconds(Instant from, Instant to) {
        return from == null || to == null ? "?" : String.format("%.1f", Duration.between(from, to).toMillis() / 1000.0);
    }

    /** Waits until no run is queued or running, so a run started before the spec change cannot be the next model. */
    private static void awaitIdleKitchen() {
        await("an idle kitchen", Duration.ofMinutes(3), () -> {
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
        throw new AssertionError("no " + what + " within " + timeout + "; simulator: " + simulator.servedBy()
                + ", runs: " + Http.get(platform.url(Platform.TRAINING) + "/v1/runs").body()
                + ", aliases: " + Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE
                        + "/aliases").body());
    }
}
