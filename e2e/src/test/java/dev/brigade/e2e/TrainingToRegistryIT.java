package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.broker.KafkaProbe;
import dev.brigade.events.topics.Topics;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.simulator.CardFraudWorld;

/**
 * The kitchen against the real recipe book and prep station, each its own process: card transactions and their
 * labels become training examples, enough of them start a NEW_DATA run by themselves that trains with the spec's
 * hyperparameters, and the run's model is registered in the registry with its gate, lineage and an artifact whose hash checks out.
 */
class TrainingToRegistryIT {

    private static final int EVENTS = 6000;
    private static Platform platform;

    @BeforeAll
    static void startPlatform() {
        platform = Platform.start("training-to-registry",
                List.of(Platform.REGISTRY, Platform.FEATURE, Platform.TRAINING),
                Map.of("BRIGADE_NEW_DATA_INTERVAL", "3s"));
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void newLabelledDataEndsInARegisteredGatedModel() throws Exception {
        // Given the card-fraud use case (fewer examples needed and fewer epochs than shipped, to stay quick)
        String spec = Files.readString(Platform.repoRoot().resolve("use-cases/card-fraud.yaml"))
                .replace("minNewLabelledExamples: 5000", "minNewLabelledExamples: 1000")
                .replace("maxEpochs: 30", "maxEpochs: 6");
        Http.Answer registered = Http.put(platform.url(Platform.REGISTRY) + "/v1/use-cases/card-fraud",
                "application/yaml", spec, "rita", "rita-local");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);

        // And six hours of card transactions with their labels, published by the producers
        History.publish(platform.bootstrapServers(), new CardFraudWorld(11), EVENTS, Duration.ofHours(6),
                Duration.ofMinutes(2));
        try (KafkaProbe probe = new KafkaProbe(platform.bootstrapServers())) {
            assertThat(probe.read(Topics.TRAINING_EXAMPLES, r -> true, EVENTS, Duration.ofMinutes(3)))
                    .as("training examples joined by the feature-service").hasSize(EVENTS);
        }

        // When nobody asks: the kitchen notices the new labelled examples by itself (the policy allows new-data)
        String runId = awaitFirstRun(Duration.ofMinutes(2));

        // Then the run succeeds, trained with the spec's hyperparameters on every example
        JsonNode run = awaitRun(runId, Duration.ofMinutes(4));
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("reason").asText()).isEqualTo("NEW_DATA");
        assertThat(run.get("hyperparameters").get("maxEpochs").asText()).isEqualTo("6");
        assertThat(run.get("epochs").size()).isBetween(1, 6);
        long rows = run.get("training").get("n").asLong() + run.get("validation").get("n").asLong()
                + run.get("holdout").get("n").asLong();
        // The trigger fires as soon as the policy's 1000 examples are there, so the run reads what had arrived by then,
        // within its recorded offset ranges (transaction markers take offsets too, so ranges span a little more).
        long inRanges = 0;
        for (JsonNode range : run.get("datasetRanges")) {
            inRanges += range.get("toOffset").asLong() - range.get("fromOffset").asLong();
        }
        assertThat(rows).isBetween(1000L, (long) EVENTS).isLessThanOrEqualTo(inRanges);
        assertThat(run.get("evaluation").get("overall").get("auc").asDouble()).isGreaterThan(0.8);
        int version = run.get("modelVersion").asInt();

        // And the registry holds that version: lineage back to the run, a gate with its checks, a sound artifact
        JsonNode view = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/card-fraud/versions/" + version)
                .json();
        JsonNode model = view.get("version");
        assertThat(model.get("lineage").get("trainingRunId").asText()).isEqualTo(runId);
        assertThat(model.get("lineage").get("hyperparameters").get("maxEpochs").asText()).isEqualTo("6");
        assertThat(model.get("gate").get("checks").size()).isGreaterThan(0);
        assertThat(model.get("gate").get("checks").findValuesAsText("name")).contains("beats-baseline");
        JsonNode vsBaseline = model.get("evaluationReport").get("baselineComparison");
        assertThat(vsBaseline.get("model").asText()).isEqualTo("logistic regression");
        JsonNode baseline = Http.get(platform.url(Platform.REGISTRY) + "/v1/use-cases/card-fraud/versions/"
                + vsBaseline.get("baselineVersion").asInt()).json().get("version");
        assertThat(baseline.get("role").asText()).isEqualTo("BASELINE");
        assertThat(baseline.get("lineage").get("trainingRunId").asText()).isEqualTo(runId);
        assertThat(model.get("artifactSha256").asText()).isEqualTo(run.get("artifactSha256").asText());
        AtomicReference<byte[]> artifact = new AtomicReference<>();
        Http.Answer download = Http.getBytes(platform.url(Platform.REGISTRY) + view.get("artifactUrl").asText(),
                artifact::set);
        assertThat(download.status()).isEqualTo(200);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact.get())))
                .isEqualTo(model.get("artifactSha256").asText());
        assertThat(ModelArtifactCodec.decode(artifact.get()).getFeatureNames()).contains("amount",
                "txn_count_10m");
        assertThat(Files.size(platform.service(Platform.TRAINING).logFile())).isPositive();
    }

    private static String awaitFirstRun(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Http.Answer answer = Http.get(platform.url(Platform.TRAINING) + "/v1/runs?useCase=card-fraud");
            if (answer.status() == 200 && answer.json().size() > 0) {
                return answer.json().get(0).get("runId").asText();
            }
            ServiceProcess.sleep(1000);
        }
        throw new AssertionError("no run started within " + timeout + platform.service(Platform.TRAINING).tail());
    }

    private static JsonNode awaitRun(String runId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            Http.Answer answer = Http.get(platform.url(Platform.TRAINING) + "/v1/runs/" + runId);
            if (answer.status() == 200) {
                run = answer.json();
                String status = run.get("status").asText();
                if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("SKIPPED")) {
                    return run;
                }
            }
            ServiceProcess.sleep(1000);
        }
        throw new AssertionError("run " + runId + " did not end within " + timeout + ": " + run
                + platform.service(Platform.TRAINING).tail());
    }

}
