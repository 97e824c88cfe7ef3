package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.model.Activation;
import dev.brigade.model.Dense;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;

/**
 * Card-fraud model versions made by hand and taken through the registry's API as its users do: registered as rita
 * (registrar) with an artifact and the metadata training writes (docs/model-artifacts.md), rolled out as dave
 * (deployer) with alice's (approver) approval before champion. For the ITs that need a served model without
 * training one.
 */
final class CardFraudModels {

    /**
     * Registers card-fraud from this spec file with its rollout walked by hand and retraining on request only, so no
     * run or alias move happens by itself while a fault suite runs.
     */
    static void registerWalkedByHand(Platform platform, java.nio.file.Path specFile) throws java.io.IOException {
        String spec = java.nio.file.Files.readString(specFile)
                .replaceFirst("(?m)^  autoAdvance: true$", "  autoAdvance: false")
                .replaceFirst("(?m)^(  signals: ).*$", "$1[manual]");
        Http.Answer registered = Http.put(platform.url(Platform.REGISTRY) + "/v1/use-cases/card-fraud",
                "application/yaml", spec, "rita", "rita-local");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    static final String USE_CASE = "card-fraud";
    static final String SET = "card-activity";
    static final int SET_VERSION = 1;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Platform platform;
    private final String purpose;
    private final String tag;

    /** @param purpose what the versions are for, in approvals, alias moves and lineage (e.g. "fault suite") */
    CardFraudModels(Platform platform, String purpose) {
        this.platform = platform;
        this.purpose = purpose;
        this.tag = purpose.replace(' ', '-');
    }

    private String registry() {
        return platform.url(Platform.REGISTRY);
    }


    /** Walks the rollout by hand as dave (deployer); the approval before champion is alice's (approver). */
    void promote(int version, List<String> steps) {
        for (String alias : steps) {
            if (alias.equals("champion")) {
                Http.Answer approval = Http.postJson(registry() + "/v1/use-cases/" + USE_CASE + "/versions/"
                        + version + "/approvals", Map.of("comment", purpose), "alice", "alice-local");
                assertThat(approval.status()).as(approval.body()).isIn(200, 201, 409);
            }
            Map<String, Object> move = new LinkedHashMap<>();
            move.put("version", version);
            if (alias.equals("canary")) {
                move.put("trafficPercent", 10);
            }
            move.put("reason", purpose + " rollout");
            Http.Answer moved = Http.postJson(registry() + "/v1/use-cases/" + USE_CASE + "/aliases/" + alias, move,
                    "dave", "dave-local");
            assertThat(moved.status()).as(alias + " v" + version + ": " + moved.body()).isBetween(200, 201);
        }
    }

    /** POST .../versions as rita (registrar), multipart artifact + metadata, as training registers. */
    int register(byte[] artifact, String metadata) throws Exception {
        String boundary = "brigade-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"artifact\"; filename=\"model.bin\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(artifact);
        body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + metadata + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry() + "/v1/use-cases/"
                + USE_CASE + "/versions"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("rita:rita-local"
                        .getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode version = Http.JSON.readTree(response.body());
        JsonNode v = version.has("version") && version.get("version").isObject() ? version.get("version") : version;
        return v.get("version").asInt();
    }

    /** card-activity v1's inputs in feature-set order, with the imputation a training split could have produced. */
    private static final Object[][] INPUTS = {
        {"amount", "DOUBLE", 42.0}, {"online", "BOOLEAN", false}, {"txn_count_10m", "LONG", 0L},
        {"txn_count_1h", "LONG", 1L}, {"amount_sum_24h", "DOUBLE", 96.0}, {"amount_max_24h", "DOUBLE", 60.0},
        {"amount_mean_7d", "DOUBLE", 38.5}, {"amount_to_mean_7d", "DOUBLE", 1.0},
        {"merchant_distinct_24h", "LONG", 2L}, {"secs_since_last_txn", "DOUBLE", 21600.0}};

    /** A small 10-16-1 classifier over card-activity v1 (random weights: the tests need a model, not a good one). */
    static byte[] artifact(long seed) {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>();
        List<Double> imputation = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (Object[] input : INPUTS) {
            names.add((String) input[0]);
            imputation.add(numeric(input[2]));
            std.add(1.0 + Math.abs(numeric(input[2])) / 2);
        }
        return ModelArtifactCodec.encode(ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(ModelTask.BINARY_CLASSIFICATION)
                .setFeatureNames(names)
                .setImputation(imputation)
                .setNormalisation(new Normalisation(imputation, std))
                .setLayers(List.of(dense(random, INPUTS.length, 16, Activation.RELU),
                        dense(random, 16, 1, Activation.SIGMOID)))
                .setOutputScale(null)
                .setDecisionThreshold(0.5)
                .build());
    }

    private static Dense dense(Random random, int in, int out, Activation activation) {
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < in * out; i++) {
            weights.add(random.nextGaussian() * 0.3);
        }
        List<Double> biases = new ArrayList<>();
        for (int i = 0; i < out; i++) {
            biases.add(random.nextGaussian() * 0.1);
        }
        return new Dense(in, out, weights, biases, activation);
    }

    /** Metadata as training writes it (docs/model-artifacts.md); compared with the champion when one is given. */
    String metadata(Integer champion) throws Exception {
        List<Map<String, Object>> inputs = new ArrayList<>();
        Map<String, Object> profile = new LinkedHashMap<>();
        for (Object[] input : INPUTS) {
            inputs.add(Map.of("name", input[0], "type", input[1], "imputation", input[2]));
            double centre = numeric(input[2]);
            profile.put((String) input[0], input[1].equals("BOOLEAN")
                    ? Map.of("type", "BOOLEAN", "categories", List.of("false", "true"), "frequencies",
                            List.of(0.6, 0.4), "missingRate", 0.0)
                    : Map.of("type", input[1], "edges", List.of(centre - 10, centre, centre + 10, centre + 100),
                            "frequencies", List.of(0.3, 0.5, 0.2), "mean", centre, "std", 1.0 + centre / 2,
                            "missingRate", 0.01));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("holdout", Map.of("description", "last 20% by event time", "n", 8000));
        report.put("overall", Map.of("n", 8000, "metrics", Map.of("auc", 0.91, "recall", 0.72, "precision", 0.31,
                "logLoss", 0.21)));
        report.put("slices", List.of(slice("region", "eu", 5200), slice("region", "apac", 150),
                slice("device", "mobile", 4100), slice("device", "web", 3900)));
        report.put("calibration", Map.of("ece", 0.03, "bins", List.of(
                Map.of("lower", 0.0, "upper", 0.5, "count", 7000, "meanPredicted", 0.05, "observedRate", 0.04),
                Map.of("lower", 0.5, "upper", 1.0, "count", 1000, "meanPredicted", 0.7, "observedRate", 0.68))));
        Map<String, Object> business = new LinkedHashMap<>();
        business.put("name", "expected-cost-per-transaction");
        business.put("candidate", champion == null ? 0.45 : 0.40);
        if (champion != null) {
            business.put("champion", 0.45);
            report.put("championComparison", Map.of("championVersion", champion, "metric", "auc", "candidate", 0.91,
                    "champion", 0.90, "delta", 0.91 - 0.90, "ciLow", 0.005, "ciHigh", 0.015, "n", 8000,
                    "confidence", 0.95, "resamples", 1000));
        }
        report.put("businessMetric", business);
        // Per protected attribute, each slice's rates (the fairness check runs when the spec names such attributes)
        report.put("fairness", Map.of("minSliceSize", 500, "attributes", List.of(
                Map.of("attribute", "region", "slices", List.of(rates("eu", 5200, 208, 0.05, 0.72, 0.02),
                        rates("apac", 150, 6, 0.06, 0.5, 0.04)), "gaps", List.of()),
                Map.of("attribute", "device", "slices", List.of(rates("mobile", 4100, 164, 0.05, 0.70, 0.02),
                        rates("web", 3900, 156, 0.05, 0.73, 0.025)), "gaps", List.of()))));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("contract", Map.of("inputs", inputs, "output", "fraud_probability", "latencyBudgetMs", 20,
                "decisionThreshold", 0.5, "owner", "fraud-ml-team"));
        metadata.put("lineage", Map.of("trainingRunId", tag + "-" + (champion == null ? 1 : 2),
                "codeVersion", "git:" + tag, "featureSet", SET, "featureSetVersion", SET_VERSION,
                "datasetRanges", List.of(Map.of("topic", "training-examples", "partition", 0, "fromOffset", 0,
                        "toOffset", 40000)),
                "hyperparameters", Map.of("hidden", "16"), "seed", 42));
        metadata.put("evaluationReport", report);
        metadata.put("referenceProfile", Map.of("n", 40000, "features", profile));
        metadata.put("reason", purpose);
        return Http.JSON.writeValueAsString(metadata);
    }

    private static Map<String, Object> slice(String slice, String value, long n) {
        return Map.of("slice", slice, "value", value, "n", n, "metrics", Map.of("recall", 0.7));
    }

    private static Map<String, Object> rates(String value, long n, long positives, double positiveRate,
            double truePositiveRate, double falsePositiveRate) {
        return Map.of("value", value, "n", n, "positives", positives, "negatives", n - positives, "metrics",
                Map.of("positiveRate", positiveRate, "truePositiveRate", truePositiveRate, "falsePositiveRate",
                        falsePositiveRate));
    }

    private static double numeric(Object value) {
        return value instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) value).doubleValue();
    }
}
