package dev.brigade.training;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.DataExpectations;
import dev.brigade.events.DriftDetected;
import dev.brigade.events.DriftEvent;
import dev.brigade.events.FeatureExpectation;
import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.FeatureSpec;
import dev.brigade.events.RunFailed;
import dev.brigade.events.RunProgress;
import dev.brigade.events.RunSkipped;
import dev.brigade.events.RunStarted;
import dev.brigade.events.RunSucceeded;
import dev.brigade.events.Severity;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.TrainingReason;
import dev.brigade.events.TrainingRequested;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.TrainingRunState;
import dev.brigade.events.TrainingRunStatus;
import dev.brigade.events.ValueType;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.model.Scorer;
import dev.brigade.training.client.RegistryClient;
import dev.brigade.training.service.TrainingFailedException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * The kitchen on a real broker, with the registry's API stubbed in the test JVM: from a request on
 * training-requests (or the REST API, or a drift event) to a registered model, a failed run or a skipped one, with
 * every step on training-runs.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(StubRegistry.class)
class TrainingFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
    private static final Map<String, String> SMALL = Map.of("hiddenLayers", "8", "maxEpochs", "4",
            "batchSize", "32");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RegistryClient registry;

    private KafkaProbe probe;
    private final EventCodec<TrainingRunEvent> runs = EventCodec.of(TrainingRunEvent.class);

    @BeforeEach
    void openProbe() {
        probe = new KafkaProbe(bootstrapServers);
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    @Test
    void aRequestBecomesARegisteredModelEvaluatedAgainstTheChampion() throws Exception {
        // Given a use case on its own feature set (with a data contract its examples keep), 300 labelled examples,
        // and a policy allowing back-to-back runs
        String useCase = "uc-" + shortId();
        String featureSet = "fs-" + shortId();
        registerFeatureSet(featureSet, DataExpectations.newBuilder()
                .setFeatures(List.of(new FeatureExpectation("amount", 0.0, null, null, 0.2),
                        new FeatureExpectation("txn_count_1h", 0.0, 1000.0, null, 0.2)))
                .setPositiveShareMin(0.01).setPositiveShareMax(0.99).build());
        publishExamples(featureSet, 300, Label.BOTH_CLASSES);
        StubRegistry.spec(useCase, permissive(StubRegistry.cardFraudView(useCase, featureSet)));

        // When a training request arrives on training-requests
        String requestId = "req-" + shortId();
        probe.send(Topics.TRAINING_REQUESTS, useCase, EventCodec.of(TrainingRequested.class).encode(
                TrainingRequested.newBuilder().setRequestId(requestId).setUseCase(useCase)
                        .setReason(TrainingReason.MANUAL).setRequestedAt(Instant.now())
                        .setHyperparameterOverrides(SMALL).build()));

        // Then the run starts with its dataset on record, reports each epoch, and succeeds as version 2 (version 1 is
        // its baseline)
        List<TrainingRunEvent> events = runEvents(useCase, RunSucceeded.class, 1);
        TrainingRunEvent started = first(events, RunStarted.class);
        RunStarted start = (RunStarted) started.getPayload();
        assertThat(start.getRequestId()).isEqualTo(requestId);
        assertThat(start.getFeatureSet()).isEqualTo(featureSet);
        assertThat(start.getHyperparameters()).containsEntry("hiddenLayers", "8").containsEntry("seed", "42");
        assertThat(start.getDatasetRanges()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getTopic()).isEqualTo(Topics.TRAINING_EXAMPLES));
        assertThat(events.stream().filter(e -> e.getPayload() instanceof RunProgress)).isNotEmpty()
                .allSatisfy(e -> assertThat(((RunProgress) e.getPayload()).getMaxEpochs()).isEqualTo(4));
        RunSucceeded succeeded = (RunSucceeded) first(events, RunSucceeded.class).getPayload();
        assertThat(succeeded.getModelVersion()).isEqualTo(2);
        assertThat(succeeded.getMetrics()).containsKeys("auc", "logLoss", "recall", "precision");

        // And the registry received the baseline first: a logistic regression (no hidden layer) on the same split
        StubRegistry.Registration baseline = StubRegistry.registrations(useCase).get(0);
        assertThat(baseline.metadata().path("role").asText()).isEqualTo("baseline");
        assertThat(baseline.metadata().path("lineage").path("hyperparameters").path("hiddenLayers").asText())
                .isEmpty();
        assertThat(Scorer.load(baseline.artifact()).featureNames()).containsExactly("amount", "txn_count_1h",
                "online", "ratio");

        // And then the candidate: a loadable artifact with metadata in the contract's shape, compared with the baseline
        StubRegistry.Registration registration = StubRegistry.registrations(useCase).get(1);
        assertThat(registration.metadata().path("role").asText()).isEqualTo("candidate");
        JsonNode vsBaseline = registration.metadata().path("evaluationReport").path("baselineComparison");
        assertThat(vsBaseline.path("baselineVersion").asInt()).isEqualTo(1);
        assertThat(vsBaseline.path("model").asText()).isEqualTo("logistic regression");
        assertThat(vsBaseline.path("metric").asText()).isEqualTo("auc");
        assertThat(vsBaseline.path("delta").asDouble()).isEqualTo(
                vsBaseline.path("candidate").asDouble() - vsBaseline.path("baseline").asDouble());
        Scorer scorer = Scorer.load(registration.artifact());
        assertThat(scorer.featureNames()).containsExactly("amount", "txn_count_1h", "online", "ratio");
        JsonNode metadata = registration.metadata();
        assertThat(metadata.path("contract").path("inputs").findValuesAsText("name"))
                .containsExactly("amount", "txn_count_1h", "online", "ratio");
        assertThat(metadata.path("contract").path("decisionThreshold").asDouble()).isEqualTo(0.5);
        assertThat(metadata.path("lineage").path("trainingRunId").asText()).isEqualTo(started.getRunId());
        assertThat(metadata.path("lineage").path("featureSet").asText()).isEqualTo(featureSet);
        JsonNode report = metadata.path("evaluationReport");
        assertThat(report.path("overall").path("n").asInt()).isEqualTo(60);
        assertThat(report.path("overall").path("metrics").has("auc")).isTrue();
        assertThat(report.path("overall").path("metrics").has("robustness.auc")).isTrue();
        assertThat(report.path("slices").findValuesAsText("slice")).contains("region");
        assertThat(report.path("calibration").path("bins").size()).isPositive();
        assertThat(report.path("businessMetric").path("name").asText()).isEqualTo("expected-cost-per-transaction");
        assertThat(report.has("championComparison")).isFalse();
        assertThat(metadata.path("referenceProfile").path("features").path("online").path("categories").toString())
                .isEqualTo("[\"false\",\"true\"]");
        assertThat(metadata.path("referenceProfile").path("features").path("amount").path("edges").size())
                .isEqualTo(metadata.path("referenceProfile").path("features").path("amount").path("frequencies")
                        .size() + 1);
        assertThat(metadata.path("referenceProfile").path("n").asInt()).isEqualTo(204);

        // And the run record says the same
        given().when().get("/v1/runs/" + started.getRunId()).then().statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("modelVersion", equalTo(2))
                .body("holdout.n", equalTo(60));

        // When version 2 is champion and a second request arrives over REST
        StubRegistry.champion(useCase, 2);
        String runId = asTrainer().contentType("application/json")
                .body(Map.of("hyperparameterOverrides", SMALL))
                .when().post("/v1/use-cases/" + useCase + "/trainings")
                .then().statusCode(202).extract().path("runId");

        // Then version 4 (after its baseline v3) is registered with the comparison against champion 2 on the holdout
        await().atMost(WAIT).until(() -> StubRegistry.registrations(useCase).size() == 4);
        JsonNode second = StubRegistry.registrations(useCase).get(3).metadata().path("evaluationReport");
        JsonNode comparison = second.path("championComparison");
        assertThat(comparison.path("championVersion").asInt()).isEqualTo(2);
        assertThat(comparison.path("metric").asText()).isEqualTo("auc");
        assertThat(comparison.path("delta").asDouble()).isEqualTo(
                comparison.path("candidate").asDouble() - comparison.path("champion").asDouble());
        assertThat(comparison.path("ciLow").asDouble()).isLessThanOrEqualTo(comparison.path("ciHigh").asDouble());
        assertThat(second.path("businessMetric").has("champion")).isTrue();
        await().atMost(WAIT).untilAsserted(() -> given().when().get("/v1/runs/" + runId).then()
                .body("status", equalTo("SUCCEEDED")).body("modelVersion", equalTo(4)));

        // And the kitchen's meters tell the same: two runs succeeded and were timed, the last run's epochs and
        // losses, its dataset's splits as in its record, and nothing running any more
        int holdout = given().when().get("/v1/runs/" + runId).then().extract().path("holdout.n");
        int training = given().when().get("/v1/runs/" + runId).then().extract().path("training.n");
        Map<String, String> uc = Map.of("use_case", useCase);
        Map<String, String> succeededRuns = Map.of("use_case", useCase, "outcome", "succeeded");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Scrape.now()
                .value("brigade_training_runs_total", succeededRuns)).hasValue(2.0));
        Scrape scrape = Scrape.now();
        assertThat(scrape.value("brigade_training_run_duration_seconds_count", succeededRuns)).hasValue(2.0);
        assertThat(scrape.value("brigade_training_run_duration_seconds_sum", succeededRuns).orElseThrow())
                .isPositive();
        assertThat(scrape.value("brigade_training_run_duration_seconds_max", succeededRuns).orElseThrow())
                .isPositive();
        assertThat(scrape.value("brigade_training_run_duration_seconds_bucket", Map.of("use_case", useCase,
                "outcome", "succeeded", "le", "3600.0"))).hasValue(2.0);
        assertThat(scrape.value("brigade_training_epochs_max", uc)).hasValue(4.0);
        assertThat(scrape.value("brigade_training_epoch", uc).orElseThrow()).isBetween(1.0, 4.0);
        assertThat(scrape.value("brigade_training_loss", Map.of("use_case", useCase, "split", "training"))
                .orElseThrow()).isPositive().isFinite();
        assertThat(scrape.value("brigade_training_loss", Map.of("use_case", useCase, "split", "validation"))
                .orElseThrow()).isPositive().isFinite();
        assertThat(scrape.value("brigade_training_dataset_rows", Map.of("use_case", useCase, "split", "holdout")))
                .hasValue(holdout);
        assertThat(scrape.value("brigade_training_dataset_rows", Map.of("use_case", useCase, "split", "training")))
                .hasValue(training);
        assertThat(scrape.value("brigade_training_dataset_new_examples", uc)).isPresent();
        assertThat(scrape.value("brigade_training_running", uc)).hasValue(0.0);

        // And training-run-state, which every instance follows, holds the first run's end as any replica reads it:
        // succeeded as version 2 with its evaluation, owned by this instance, after its earlier states
        EventCodec<TrainingRunState> stateCodec = EventCodec.of(TrainingRunState.class);
        List<TrainingRunState> states = probe.read(Topics.TRAINING_RUN_STATE,
                r -> started.getRunId().equals(r.key()), Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                .map(r -> stateCodec.decode(r.value())).toList();
        TrainingRunState last = states.get(states.size() - 1);
        assertThat(states).hasSizeGreaterThan(2);
        assertThat(last.getStatus()).isEqualTo(TrainingRunStatus.SUCCEEDED);
        assertThat(last.getModelVersion()).isEqualTo(2);
        assertThat(last.getEvaluationJson()).contains("\"auc\"");
        assertThat(last.getOwner()).isNotEmpty().isEqualTo(last.getWriter());
        assertThat(last.getRequestIds()).containsExactly(requestId);

        // And a redelivery of the first request (same request id) is answered by its run, not run again
        double consumed = Scrape.now().value("brigade_events_consumed_total",
                Map.of("topic", Topics.TRAINING_REQUESTS)).orElseThrow();
        probe.send(Topics.TRAINING_REQUESTS, useCase, EventCodec.of(TrainingRequested.class).encode(
                TrainingRequested.newBuilder().setRequestId(requestId).setUseCase(useCase)
                        .setReason(TrainingReason.MANUAL).setRequestedAt(Instant.now())
                        .setHyperparameterOverrides(SMALL).build()));
        await().atMost(WAIT).until(() -> Scrape.now().value("brigade_events_consumed_total",
                Map.of("topic", Topics.TRAINING_REQUESTS)).orElseThrow() > consumed);
        List<String> runIds = given().when().get("/v1/runs?useCase=" + useCase).then().statusCode(200)
                .extract().path("runId");
        assertThat(runIds).containsExactlyInAnyOrder(started.getRunId(), runId);
    }

    @Test
    void badDataEndsInRunFailedWithTheReason() throws Exception {
        // Given three use cases: one without examples, one with a label that is not a number, one with one class
        String empty = useCaseWith(0, Label.BOTH_CLASSES);
        String notANumber = useCaseWith(120, Label.ONE_NAN);
        String oneClass = useCaseWith(120, Label.ALL_NEGATIVE);

        // When a manual run of each is requested over REST
        // Then each run fails saying why, on training-runs and in its record, and nothing is registered
        assertFailure(empty, "the dataset is empty");
        assertFailure(notANumber, "1 examples have a label that is not a number");
        assertFailure(oneClass, "the dataset has one class only (0 positive, 120 negative examples)");
        // and each is counted and timed as failed
        for (String useCase : List.of(empty, notANumber, oneClass)) {
            Map<String, String> failed = Map.of("use_case", useCase, "outcome", "failed");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Scrape.now()
                    .value("brigade_training_runs_total", failed)).hasValue(1.0));
            assertThat(Scrape.now().value("brigade_training_run_duration_seconds_count", failed)).hasValue(1.0);
        }
    }

    @Test
    void aBrokenDataContractFailsTheRunWithTheReason() throws Exception {
        // Given a feature set whose contract its examples break: amounts at most 1 (theirs are larger), at least 90%
        // positive labels, and the newest example at most a day old (they are from the 20th of November)
        String useCase = "uc-" + shortId();
        String featureSet = "fs-" + shortId();
        registerFeatureSet(featureSet, DataExpectations.newBuilder()
                .setFeatures(List.of(new FeatureExpectation("amount", null, 1.0, null, null)))
                .setPositiveShareMin(0.9).setFreshnessMillis(Duration.ofDays(1).toMillis()).build());
        publishExamples(featureSet, 120, Label.BOTH_CLASSES);
        StubRegistry.spec(useCase, permissive(StubRegistry.cardFraudView(useCase, featureSet)));

        // When a manual run is requested, Then it fails before fitting, naming each broken expectation
        assertFailure(useCase, "the dataset breaks the data contract of " + featureSet + " v1: ");
        RunFailed failed = (RunFailed) first(runEvents(useCase, RunFailed.class, 1), RunFailed.class).getPayload();
        assertThat(failed.getReason())
                .containsPattern("amount: range \\[-inf, 1\\] broken by \\d+ of 120 values")
                .containsPattern("label balance: positive share [0-9.]+ \\(\\d+ of 120 examples\\) outside the "
                        + "allowed \\[0.9, 1\\]")
                .contains("freshness: the newest example (" + T0.plusSeconds(60L * 119) + ")")
                .contains("at most 1d allowed");
        assertThat(runEvents(useCase, RunFailed.class, 1)).noneMatch(e -> e.getPayload() instanceof RunProgress);
    }

    @Test
    void aDriftEventTheRetrainingPolicyDoesNotAllowIsSkipped() throws Exception {
        // Given a use case whose policy allows manual runs only
        String useCase = "uc-" + shortId();
        ObjectNode view = permissive(StubRegistry.cardFraudView(useCase, "fs-unused"));
        ((ObjectNode) view.get("spec").get("retrainingPolicy")).putArray("signals").add("manual");
        StubRegistry.spec(useCase, view);

        // When the monitor reports drift
        String eventId = "drift-" + shortId();
        probe.send(Topics.DRIFT_EVENTS, useCase, EventCodec.of(DriftEvent.class).encode(DriftEvent.newBuilder()
                .setEventId(eventId).setUseCase(useCase).setOccurredAt(Instant.now())
                .setWindowStart(Instant.now().minusSeconds(3600)).setWindowEnd(Instant.now())
                .setSeverity(Severity.TICKET)
                .setPayload(new DriftDetected(5000L, List.of())).build()));

        // Then the request ends in RunSkipped with the policy's reason
        RunSkipped skipped = (RunSkipped) first(runEvents(useCase, RunSkipped.class, 1), RunSkipped.class)
                .getPayload();
        assertThat(skipped.getRequestId()).isEqualTo("drift-" + eventId);
        assertThat(skipped.getWhy()).isEqualTo("the retraining policy does not allow DRIFT requests (allowed: MANUAL)");
        assertThat(StubRegistry.registrations(useCase)).isEmpty();
        // and it is counted as skipped, with no epoch ever reported for the use case
        Map<String, String> skippedRuns = Map.of("use_case", useCase, "outcome", "skipped");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Scrape.now()
                .value("brigade_training_runs_total", skippedRuns)).hasValue(1.0));
        assertThat(Scrape.now().value("brigade_training_epoch", Map.of("use_case", useCase))).isEmpty();
    }

    @Test
    void invalidManualRequestsAreRefusedNamingTheField() {
        asTrainer().contentType("application/json")
                .body(Map.of("hyperparameterOverrides", Map.of("learningRate", "x")))
                .when().post("/v1/use-cases/card-fraud/trainings")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("hyperparameterOverrides.learningRate"));
        asTrainer().contentType("application/json").body("{}")
                .when().post("/v1/use-cases/Card_Fraud/trainings")
                .then().statusCode(422).body("errors[0].field", equalTo("name"));
        given().when().get("/v1/runs/run-none").then().statusCode(404);
    }

    @Test
    void aRequestForAUseCaseTheRegistryDoesNotKnowIsA404NamingIt() {
        // Given a use case name the registry has no spec for
        String unknown = "uc-" + shortId();

        // When a trainer asks for a run of it
        // Then the answer is a 404 problem naming the use case, and no run is recorded
        asTrainer().contentType("application/json").body("{}")
                .when().post("/v1/use-cases/" + unknown + "/trainings")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString(unknown))
                .body("errors[0].field", equalTo("name"));
        given().when().get("/v1/runs?useCase=" + unknown).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void theRegistryClientRegistersAsTheRegistrarAndRefusesAChampionWhoseSha256DoesNotMatch() throws Exception {
        // Given a use case the registry knows, and one it does not
        String useCase = "uc-" + shortId();
        StubRegistry.spec(useCase, StubRegistry.cardFraudView(useCase, "fs-" + shortId()));
        assertThat(registry.knows(useCase, Duration.ofSeconds(2))).contains(true);
        assertThat(registry.useCaseNames()).contains(useCase);
        assertThat(registry.knows("uc-" + shortId(), Duration.ofSeconds(2))).contains(false);
        assertThatThrownBy(() -> registry.spec("uc-missing-" + shortId()))
                .isInstanceOf(TrainingFailedException.class).hasMessageContaining("is not registered in the registry");

        // And the probe gives up after its deadline when the registry is slower (a request is then taken), while
        // every other call waits up to brigade.training.registry.timeout (5s in tests)
        String slow = "uc-" + shortId();
        StubRegistry.spec(slow, StubRegistry.cardFraudView(slow, "fs-" + shortId()));
        StubRegistry.slow(slow);
        long t0 = System.nanoTime();
        assertThat(registry.knows(slow, Duration.ofSeconds(2))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2900));
        assertThat(registry.spec(slow).path("name").asText()).isEqualTo(slow);

        // When bytes are registered (multipart, HTTP Basic as the registrar) and made the champion
        byte[] bytes = "not a model".getBytes(StandardCharsets.UTF_8);
        int version = registry.register(useCase, bytes, new ObjectMapper().createObjectNode().put("role", "candidate"));
        assertThat(version).isEqualTo(1);
        assertThat(StubRegistry.registrations(useCase).get(0).artifact()).isEqualTo(bytes);
        assertThat(StubRegistry.registrations(useCase).get(0).metadata().path("role").asText()).isEqualTo("candidate");
        StubRegistry.champion(useCase, version);

        // Then an artifact whose sha256 checks out is handed to the Scorer (which refuses these bytes)
        assertThatThrownBy(() -> registry.champion(useCase)).isInstanceOf(TrainingFailedException.class)
                .hasMessageStartingWith("the artifact of champion v1 does not load: ");

        // And one whose bytes differ from the registry's sha256 header is refused before it is loaded
        StubRegistry.tamper(useCase);
        assertThatThrownBy(() -> registry.champion(useCase)).isInstanceOf(TrainingFailedException.class)
                .hasMessage("the artifact of champion v1 has sha256 " + RegistryClient.sha256(bytes)
                        + ", the registry says " + "0".repeat(64));
    }

    @Test
    void aTrainingRequestNeedsTheTrainerRoleAndRunRecordsStayOpen() {
        // Given no credentials, a wrong password and an account without the trainer role
        // When each asks for a run
        // Then the answers are 401 problems with a challenge, and a 403 problem naming the role
        given().contentType("application/json").body("{}").when().post("/v1/use-cases/card-fraud/trainings")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Basic"))
                .body("type", equalTo("urn:brigade:problem:unauthorized"));
        given().auth().preemptive().basic("rita", "not-her-password").contentType("application/json").body("{}")
                .when().post("/v1/use-cases/card-fraud/trainings")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().preemptive().basic("dave", "dave-local").contentType("application/json").body("{}")
                .when().post("/v1/use-cases/card-fraud/trainings")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("trainer"));
        // And reading run records needs no account
        given().when().get("/v1/runs").then().statusCode(200);
    }

    private static RequestSpecification asTrainer() {
        return given().auth().preemptive().basic("rita", "rita-local");
    }

    private enum Label {
        BOTH_CLASSES, ALL_NEGATIVE, ONE_NAN
    }

    /** A use case on a feature set of its own with n examples labelled as asked. */
    private String useCaseWith(int n, Label label) throws Exception {
        String useCase = "uc-" + shortId();
        String featureSet = "fs-" + shortId();
        registerFeatureSet(featureSet);
        publishExamples(featureSet, n, label);
        StubRegistry.spec(useCase, permissive(StubRegistry.cardFraudView(useCase, featureSet)));
        return useCase;
    }

    private void assertFailure(String useCase, String reason) {
        String runId = asTrainer().contentType("application/json").body(Map.of("hyperparameterOverrides", SMALL))
                .when().post("/v1/use-cases/" + useCase + "/trainings")
                .then().statusCode(202).extract().path("runId");
        RunFailed failed = (RunFailed) first(runEvents(useCase, RunFailed.class, 1), RunFailed.class).getPayload();
        assertThat(failed.getReason()).contains(reason);
        given().when().get("/v1/runs/" + runId).then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("statusReason", equalTo(failed.getReason()));
        assertThat(StubRegistry.registrations(useCase)).isEmpty();
    }

    /** No cooldown, no minimum of new examples, ten runs a day: the tests decide when runs happen. */
    private static ObjectNode permissive(ObjectNode view) {
        ObjectNode policy = (ObjectNode) view.get("spec").get("retrainingPolicy");
        policy.put("cooldown", "0s");
        policy.put("minNewLabelledExamples", 0);
        policy.put("maxRunsPerDay", 10);
        return view;
    }

    private void registerFeatureSet(String name) {
        registerFeatureSet(name, null);
    }

    private void registerFeatureSet(String name, DataExpectations expectations) {
        List<FeatureSpec> features = new ArrayList<>();
        for (InputFeature input : SyntheticData.INPUTS) {
            features.add(new FeatureSpec(input.name(), ValueType.valueOf(input.type().name()), null));
        }
        FeatureSetRegistered set = FeatureSetRegistered.newBuilder().setName(name).setVersion(1)
                .setFeatures(features).setDefinition("name: " + name).setDefinitionSha256("0".repeat(64))
                .setRegisteredAt(T0).setExpectations(expectations).build();
        probe.send(Topics.FEATURE_SETS, name + "@1", EventCodec.of(FeatureSetRegistered.class).encode(set));
    }

    /** Synthetic fraud-like examples one minute apart, labelled as asked. */
    private void publishExamples(String featureSet, int n, Label label) {
        SyntheticData.Rows rows = SyntheticData.classification(n, 11);
        Random regions = new Random(5);
        EventCodec<TrainingExample> codec = EventCodec.of(TrainingExample.class);
        for (int r = 0; r < n; r++) {
            Map<String, Object> features = new HashMap<>();
            double[] x = rows.x()[r];
            for (int i = 0; i < x.length; i++) {
                InputFeature input = SyntheticData.INPUTS.get(i);
                if (Double.isFinite(x[i])) {
                    features.put(input.name(), switch (input.type()) {
                        case BOOLEAN -> x[i] != 0;
                        case LONG -> (long) x[i];
                        case DOUBLE -> x[i];
                    });
                }
            }
            String eventId = featureSet + "-" + r;
            Instant at = T0.plusSeconds(60L * r);
            probe.send(Topics.TRAINING_EXAMPLES, eventId, codec.encode(TrainingExample.newBuilder()
                    .setEventId(eventId).setEntityId("card-" + (r % 17)).setEventTime(at)
                    .setLabelTime(at.plusSeconds(3600)).setFeatureSet(featureSet).setFeatureSetVersion(1)
                    .setFeatures(features).setSlices(Map.of("region", regions.nextBoolean() ? "eu" : "apac"))
                    .setLabel(switch (label) {
                        case BOTH_CLASSES -> rows.y()[r];
                        case ALL_NEGATIVE -> 0.0;
                        case ONE_NAN -> r == n / 2 ? Double.NaN : rows.y()[r];
                    }).build()));
        }
    }

    /** The use case's events on training-runs, read until {@code count} of the given kind have arrived. */
    private List<TrainingRunEvent> runEvents(String useCase, Class<?> until, int count) {
        List<TrainingRunEvent> seen = new ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            seen.clear();
            for (ConsumerRecord<String, byte[]> record : probe.read(Topics.TRAINING_RUNS, r -> true,
                    Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                decode(record.value()).filter(e -> e.getUseCase().equals(useCase)).ifPresent(seen::add);
            }
            return seen.stream().filter(e -> until.isInstance(e.getPayload())).count() >= count;
        });
        return seen;
    }

    private Optional<TrainingRunEvent> decode(byte[] bytes) {
        try {
            return Optional.of(runs.decode(bytes));
        } catch (EventDecodingException other) {
            return Optional.empty();
        }
    }

    private static TrainingRunEvent first(List<TrainingRunEvent> events, Class<?> kind) {
        return events.stream().filter(e -> kind.isInstance(e.getPayload())).findFirst().orElseThrow();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
