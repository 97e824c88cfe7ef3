package dev.brigade.e2e;

import static dev.brigade.e2e.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.events.AlertEvent;
import dev.brigade.events.AlertRaised;
import dev.brigade.events.topics.Topics;
import dev.brigade.simulator.Drift;
import dev.brigade.simulator.ScoringClient.Outcome;
import dev.brigade.simulator.Simulator;
import dev.brigade.simulator.SimulatorConfig;

/**
 * Two instances of every station on one broker (the registry as active and standby), each station behind its own
 * front as a Kubernetes Service would be, turning the closed loop of delivery-eta while one instance of each station
 * after the other is killed with kill -9 and started again: the training instance running the first run, the active
 * registry, a feature-service instance in the middle of a backfill, a monitor instance, a serving instance. The loop
 * still reaches a new champion, no scoring request fails, no alert is raised twice, the standby registry takes over
 * within 30 s and its first write lands, and every read API answers the same from either instance.
 */
class MultiInstanceIT {

    private static final String USE_CASE = "delivery-eta";
    private static final String FEATURE_SET = "courier-load";
    /** The registry's standby must be the active within this after the active's death (the bound). */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(30);
    /**
     * Training's stated bound for a dead instance's run to be reported failed: stale-after (30 s) plus one check
     * (5 s) after its last heartbeat, plus 10 s for a host running eleven JVMs on two cores.
     */
    private static final Duration STALE_RUN_BOUND = Duration.ofSeconds(45);
    private static Platform platform;
    private static Simulator simulator;
    private static final Map<String, String> findings = new LinkedHashMap<>();

    @BeforeAll
    static void startPlatform() {
        platform = Platform.startReplicated("multi-instance", List.of(Platform.REGISTRY, Platform.FEATURE,
                Platform.TRAINING, Platform.SERVING, Platform.MONITOR), 2,
                // the closed loop's short windows; ownership hand-over at its production defaults (READMEs)
                ClosedLoopIT.SHORT_LOOP_ENV);
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (platform != null) {
            platform.close();
        }
        findings.forEach((k, v) -> System.out.printf("multi-instance: %s: %s%n", k, v));
    }

    @Test
    void theLoopTurnsWhileOneInstanceOfEachStationDiesInTurn() throws Exception {
        // Given delivery-eta with the closed loop's short policy (see ClosedLoopIT), registered through the front
        String spec = ClosedLoopIT.shortLoopSpec(Files.readString(Platform.repoRoot()
                .resolve("use-cases/" + USE_CASE + ".yaml")), 5);
        Http.Answer registered = Http.put(url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE, "application/yaml",
                spec, "rita", "rita-local");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);

        // And the delivery application scoring every order through serving's front
        simulator = new Simulator(SimulatorConfig.from(new String[] {
            "--bootstrap-servers=" + platform.bootstrapServers(), "--serving-url=" + url(Platform.SERVING),
            "--use-cases=" + USE_CASE, "--rate=60", "--label-delay-ms=2000", "--score-timeout-ms=2000"}, Map.of()));
        simulator.start();
        Instant started = Instant.now();

        // When the training instance running the first run dies with it
        JsonNode firstRun = await("a first run RUNNING", Duration.ofMinutes(4), () -> runningRun());
        ServiceProcess kitchen = owner(Platform.TRAINING, firstRun.path("owner").asText());
        Instant killed = Instant.now();
        kitchen.kill();
        String runId = firstRun.get("runId").asText();

        // Then the other instance reports that run failed within the stated bound, never leaving it RUNNING
        JsonNode failed = await("run " + runId + " reported failed", STALE_RUN_BOUND.plusSeconds(20), () -> {
            JsonNode run = Http.get(url(Platform.TRAINING) + "/v1/runs/" + runId).json();
            return run.path("status").asText().equals("FAILED") ? run : null;
        });
        Duration reported = Duration.between(killed, Instant.now());
        assertThat(reported).isLessThanOrEqualTo(STALE_RUN_BOUND);
        findings.put("training", "run " + runId + " of the killed instance reported FAILED after "
                + reported.toMillis() / 1000.0 + " s (" + failed.path("statusReason").asText() + ")");
        kitchen.start().awaitReady(Duration.ofMinutes(3));

        // And a later run (on either instance, executed once) gives the first champion, served through the front
        int first = await("a first champion", Duration.ofMinutes(8), MultiInstanceIT::champion);
        await("serving to answer with champion v" + first, Duration.ofMinutes(1),
                () -> simulator.servedBy().containsKey(USE_CASE + " v" + first + " CHAMPION") ? first : null);
        long failedBefore = simulator.scoring(Outcome.FAILED) + simulator.scoring(Outcome.REFUSED);
        assertThat(requestIdsRunTwice()).as("a request executed by two runs").isEmpty();

        // And the team switches to drift-only retraining: a write to the registry while both instances live
        String evidenceOnly = spec.replaceAll("(?m)^(  signals: ).*$", "$1" + "[drift, manual]")
                .replaceAll("(?m)^(  minNewLabelledExamples: ).*$", "$1" + "1000");
        // When the active registry dies
        ServiceProcess active = activeRegistry();
        Instant registryKilled = Instant.now();
        active.kill();
        // Then the standby takes over within 30 s, and its first write lands
        ServiceProcess standby = platform.instances(Platform.REGISTRY).stream().filter(p -> p != active)
                .findFirst().orElseThrow();
        await("the standby registry to become active", TAKEOVER_BOUND.plusSeconds(10),
                () -> isActiveRegistry(standby) ? Boolean.TRUE : null);
        Duration takeover = Duration.between(registryKilled, Instant.now());
        Http.Answer v2 = await("the first write after the takeover", Duration.ofSeconds(20), () -> {
            Http.Answer answer = Http.put(url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE, "application/yaml",
                    evidenceOnly, "rita", "rita-local");
            return answer.status() == 201 ? answer : null;
        });
        Duration firstWrite = Duration.between(registryKilled, Instant.now());
        assertThat(takeover).isLessThanOrEqualTo(TAKEOVER_BOUND);
        findings.put("registry", "standby active " + takeover.toMillis() / 1000.0 + " s after the active's kill -9,"
                + " first write landed after " + firstWrite.toMillis() / 1000.0 + " s (" + v2.status() + ")");
        active.start().awaitReady(Duration.ofMinutes(3));
        sameFromEitherInstance(Platform.REGISTRY, "/v1/use-cases/" + USE_CASE + "/specs");

        // When a feature-service instance dies in the middle of a backfill of a new feature-set version
        Instant asOf = Instant.now().minusSeconds(5);
        List<String> couriers = java.util.stream.IntStream.range(0, 40)
                .mapToObj(i -> String.format("courier-%04d", i)).toList(); // the simulator's delivery world's ids
        JsonNode v1Lookups = await("v1 look-ups", Duration.ofMinutes(1),
                () -> lookups(url(Platform.FEATURE), 1, couriers, asOf));
        String set = Files.readString(Platform.repoRoot().resolve("feature-sets/" + FEATURE_SET + "-v1.yaml"))
                .replaceAll("(?m)^version: 1$", "version: 2");
        Http.Answer v2Set = Http.put(url(Platform.FEATURE) + "/v1/feature-sets/" + FEATURE_SET + "/versions/2",
                "application/yaml", set, "rita", "rita-local");
        assertThat(v2Set.status()).as(v2Set.body()).isEqualTo(201);
        ServiceProcess prep = platform.instances(Platform.FEATURE).get(0);
        prep.kill();
        // Then the other instance finishes the backfill, and the new version's look-ups equal the first's
        await("the backfill of " + FEATURE_SET + " v2", Duration.ofMinutes(3), () -> Http.get(url(Platform.FEATURE)
                + "/v1/feature-sets/" + FEATURE_SET + "/versions/2/backfill").json().path("done").asBoolean()
                        ? Boolean.TRUE : null);
        prep.start().awaitReady(Duration.ofMinutes(3));
        JsonNode v2Lookups = await("v2 look-ups", Duration.ofMinutes(1),
                () -> lookups(url(Platform.FEATURE), 2, couriers, asOf));
        assertThat(featuresOf(v2Lookups)).isEqualTo(featuresOf(v1Lookups));
        // (who answers is Streams' assignment: a restarted instance may get its tasks back only at the next probing
        // rebalance, so either instance may answer all of them; both must answer the same)
        for (ServiceProcess instance : platform.instances(Platform.FEATURE)) {
            JsonNode direct = await("v2 look-ups from " + instance.url(), Duration.ofMinutes(1),
                    () -> lookups(instance.url(), 2, couriers, asOf));
            assertThat(featuresOf(direct)).as(instance.url()).isEqualTo(featuresOf(v1Lookups));
        }
        findings.put("feature-service", couriers.size() + " look-ups of v2 (backfilled across the kill) equal v1's"
                + " from either instance, answered by " + servedBy(v2Lookups));

        // When a monitor instance dies, and comes back
        ServiceProcess inspector = platform.instances(Platform.MONITOR).get(0);
        inspector.kill();
        ServiceProcess.sleep(5000);
        inspector.start().awaitReady(Duration.ofMinutes(3));

        // And the couriers' trips get longer (covariate drift)
        Instant drifted = Instant.now();
        simulator.drift(USE_CASE, Drift.COVARIATE);

        // Then the monitor raises the distance drift once, and a run on the drifted data becomes the new champion
        await("a distance-drift alert", Duration.ofMinutes(5), () -> {
            for (JsonNode a : Http.get(url(Platform.MONITOR) + "/v1/use-cases/" + USE_CASE + "/alerts").json()
                    .path("recent")) {
                if (a.path("rule").asText().equals("distance-drift")) {
                    return a;
                }
            }
            return null;
        });
        // And meanwhile a batch job over the orders so far starts, and the serving instance running it dies
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("useCase", USE_CASE);
        job.put("from", started.toString());
        job.put("to", Instant.now().minusSeconds(1).toString());
        Http.Answer accepted = Http.postJson(url(Platform.SERVING) + "/v1/batch-jobs", job, "dave", "dave-local");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String jobId = accepted.json().get("id").asText();
        JsonNode owned = await("batch job " + jobId + " to have an owner", Duration.ofMinutes(1), () -> {
            JsonNode j = Http.get(url(Platform.SERVING) + "/v1/batch-jobs/" + jobId).json();
            return j.path("owner").isTextual() && !j.path("owner").asText().isEmpty() ? j : null;
        });
        ServiceProcess counter = owner(Platform.SERVING, owned.get("owner").asText());
        counter.kill();
        // Then the other replica finishes it (resumed from its last checkpoint if the kill caught it running)
        JsonNode ended = await("batch job " + jobId + " to end", Duration.ofMinutes(3), () -> {
            JsonNode j = Http.get(url(Platform.SERVING) + "/v1/batch-jobs/" + jobId).json();
            String status = j.path("status").asText();
            return status.equals("QUEUED") || status.equals("RUNNING") ? null : j;
        });
        assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("SUCCEEDED");
        if (ended.path("attempt").asInt() > 1) {
            assertThat(ended.path("owner").asText()).isNotEqualTo(owned.get("owner").asText());
        }
        findings.put("serving batch job", jobId + " " + ended.path("status").asText() + " after its owner "
                + owned.get("owner").asText() + " was killed: attempt " + ended.path("attempt").asInt()
                + ", resumed from " + ended.path("resumedFrom") + ", " + ended.path("summary")
                        .path("eventsScored") + " events scored, by " + ended.path("owner").asText());
        counter.start().awaitReady(Duration.ofMinutes(3));
        sameFromEitherInstance(Platform.SERVING, "/v1/batch-jobs/" + jobId);
        sameFromEitherInstance(Platform.SERVING, "/v1/batch-jobs");
        int next = await("a new champion", Duration.ofMinutes(8), () -> {
            Integer champion = champion();
            return champion != null && champion > first ? champion : null;
        });
        await("serving to answer with champion v" + next, Duration.ofMinutes(1),
                () -> simulator.servedBy().containsKey(USE_CASE + " v" + next + " CHAMPION") ? next : null);
        JsonNode version = Http.get(url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/versions/" + next)
                .json().get("version");
        JsonNode run = Http.get(url(Platform.TRAINING) + "/v1/runs/" + version.get("lineage").get("trainingRunId")
                .asText()).json();
        assertThat(Instant.parse(run.get("startedAt").asText())).isAfter(drifted);

        // And no scoring request failed since the first champion served, and the fronts never went unanswered
        assertThat(simulator.scoring(Outcome.FAILED) + simulator.scoring(Outcome.REFUSED)).as("failed scoring calls")
                .isEqualTo(failedBefore);
        assertThat(platform.front(Platform.SERVING).unanswered()).isZero();
        findings.put("serving", "no failed scoring call; front retried " + platform.front(Platform.SERVING)
                .retried() + " requests whose instance died, answers by instance "
                + platform.front(Platform.SERVING).answeredBy());

        // And no alert was raised twice, whichever instance closed its window
        assertThat(doubledAlerts()).as("alerts raised twice").isEmpty();
        assertThat(requestIdsRunTwice()).as("a request executed by two runs").isEmpty();

        // And every read API answers the same from either instance
        sameFromEitherInstance(Platform.REGISTRY, "/v1/use-cases/" + USE_CASE + "/aliases");
        sameFromEitherInstance(Platform.REGISTRY, "/v1/use-cases/" + USE_CASE + "/aliases/history");
        sameFromEitherInstance(Platform.REGISTRY, "/v1/use-cases/" + USE_CASE + "/versions");
        sameFromEitherInstance(Platform.TRAINING, "/v1/runs?useCase=" + USE_CASE);
        sameFromEitherInstance(Platform.TRAINING, "/v1/runs/" + runId);
        sameFromEitherInstance(Platform.MONITOR, "/v1/use-cases/" + USE_CASE + "/windows");
        sameFromEitherInstance(Platform.MONITOR, "/v1/use-cases/" + USE_CASE + "/alerts");
        sameFromEitherInstance(Platform.MONITOR, "/v1/use-cases/" + USE_CASE + "/windows/latest/worst");
        sameFromEitherInstance(Platform.MONITOR, "/v1/use-cases/" + USE_CASE + "/stages");
        sameFromEitherInstance(Platform.MONITOR, "/v1/use-cases/" + USE_CASE + "/runs");
        sameFromEitherInstance(Platform.SERVING, "/v1/models");
        sameFromEitherInstance(Platform.FEATURE, "/v1/feature-sets");
        findings.put("loop", "champion v" + first + " -> v" + next + " on drift; read APIs equal on both instances");
    }

    // --- the stations' answers -------------------------------------------------------------------------------

    private static String url(String station) {
        return platform.url(station);
    }

    /** A run of the use case now RUNNING, not SKIPPED or QUEUED. */
    private static JsonNode runningRun() {
        for (JsonNode r : Http.get(url(Platform.TRAINING) + "/v1/runs?useCase=" + USE_CASE).json()) {
            if (r.path("status").asText().equals("RUNNING")) {
                return r;
            }
        }
        return null;
    }

    /** The instance whose id (advertised host:port) or URL the record names. */
    private static ServiceProcess owner(String station, String owner) {
        return platform.instances(station).stream()
                .filter(p -> owner.equals(p.url()) || p.url().endsWith("//" + owner) || owner.endsWith(
                        p.url().substring(p.url().lastIndexOf(':'))))
                .findFirst().orElseThrow(() -> new AssertionError("no " + station + " instance is " + owner));
    }

    private static Integer champion() {
        JsonNode champion = Http.get(url(Platform.REGISTRY) + "/v1/use-cases/" + USE_CASE + "/aliases").json()
                .path("champion");
        return champion.isMissingNode() || champion.isNull() ? null : champion.path("version").asInt();
    }

    private static ServiceProcess activeRegistry() {
        return await("an active registry", Duration.ofSeconds(30), () -> platform.instances(Platform.REGISTRY)
                .stream().filter(MultiInstanceIT::isActiveRegistry).findFirst().orElse(null));
    }

    private static boolean isActiveRegistry(ServiceProcess instance) {
        if (!instance.isAlive()) {
            return false;
        }
        Http.Answer leader = Http.get(instance.url() + "/v1/registry/leader");
        return leader.status() == 200 && leader.json().path("role").asText().equals("ACTIVE");
    }

    /** Request ids that two different runs executed (a run executes once: the second must be SKIPPED or joined). */
    private static List<String> requestIdsRunTwice() {
        Map<String, String> ranBy = new HashMap<>();
        List<String> twice = new ArrayList<>();
        for (JsonNode r : Http.get(url(Platform.TRAINING) + "/v1/runs?useCase=" + USE_CASE).json()) {
            if (r.path("status").asText().equals("SKIPPED")) {
                continue;
            }
            for (JsonNode request : r.path("requestIds")) {
                String previous = ranBy.put(request.asText(), r.path("runId").asText());
                if (previous != null && !previous.equals(r.path("runId").asText())) {
                    twice.add(request.asText() + " in " + previous + " and " + r.path("runId").asText());
                }
            }
        }
        return twice;
    }

    /** Alerts whose raise is on the topic twice: the same event id, or a second raise of a rule not resolved. */
    private static List<String> doubledAlerts() {
        List<String> doubled = new ArrayList<>();
        Map<String, Integer> byEventId = new HashMap<>();
        Map<String, Boolean> raised = new HashMap<>();
        new OutputTopics(platform.kafka("brigade-admin")).readAll(Topics.ALERTS, AlertEvent.class, alert -> {
            if (byEventId.merge(alert.getEventId(), 1, Integer::sum) > 1) {
                doubled.add("event " + alert.getEventId() + " twice");
            }
            String rule = alert.getUseCase() + "/" + alert.getRule() + "/v"
                    + (alert.getPayload() instanceof AlertRaised r ? r.getModelVersion() : "?");
            if (alert.getPayload() instanceof AlertRaised r) {
                if (Boolean.TRUE.equals(raised.put(rule, true))) {
                    doubled.add(rule + " raised again (" + alert.getAlertId() + ") while raised");
                }
            } else {
                raised.keySet().removeIf(k -> k.startsWith(alert.getUseCase() + "/" + alert.getRule() + "/"));
            }
        });
        return doubled;
    }

    /** The batch look-up of these entities as of a time, of a feature-set version; null when not 200. */
    private static JsonNode lookups(String baseUrl, int version, List<String> entities, Instant asOf) {
        List<Map<String, Object>> items = entities.stream()
                .map(e -> Map.<String, Object>of("entityId", e, "asOf", asOf.toString())).toList();
        Http.Answer answer = Http.postJson(baseUrl + "/v1/features/" + FEATURE_SET + "?version=" + version,
                Map.of("lookups", items));
        return answer.status() == 200 ? answer.json() : null;
    }

    private static List<JsonNode> featuresOf(JsonNode lookups) {
        assertThat(lookups).as("a look-up answer").isNotNull();
        List<JsonNode> features = new ArrayList<>();
        lookups.path("results").forEach(r -> features.add(r.path("features")));
        return features;
    }

    private static java.util.Set<String> servedBy(JsonNode lookups) {
        java.util.Set<String> by = new java.util.TreeSet<>();
        lookups.path("results").forEach(r -> by.add(r.path("servedBy").asText()));
        return by;
    }

    /**
     * Reads the path from each instance of the station directly, back to back, until both answer 200 with the
     * same body (a window may close between two reads; a stale instance never catches up and fails).
     */
    private static void sameFromEitherInstance(String station, String path) {
        List<ServiceProcess> instances = platform.instances(station);
        List<String> last = new ArrayList<>();
        Boolean same = Waits.awaitOrNull(Duration.ofSeconds(30), () -> {
            last.clear();
            List<JsonNode> answers = new ArrayList<>();
            for (ServiceProcess instance : instances) {
                Http.Answer answer = Http.get(instance.url() + path);
                last.add(instance.url() + " " + answer.status() + " " + answer.body());
                if (answer.status() != 200) {
                    return null;
                }
                answers.add(withoutInstanceFields(answer.json()));
            }
            return answers.stream().allMatch(Predicate.isEqual(answers.get(0))) ? Boolean.TRUE : null;
        });
        assertThat(same).as(station + " " + path + " answered differently by its instances:\n"
                + String.join("\n", last)).isNotNull();
    }

    /** Fields that name the answering instance or the moment of the answer, not the state. */
    private static JsonNode withoutInstanceFields(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("servedBy", "answeredBy", "instance", "generatedAt", "now", "asOf"));
            object.forEach(MultiInstanceIT::strip);
        } else if (node instanceof ArrayNode array) {
            array.forEach(MultiInstanceIT::strip);
        }
    }
}
