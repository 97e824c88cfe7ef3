package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.RawEvent;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.ScoringRequested;
import dev.brigade.events.serde.AvroEventSerializer;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.model.Activation;
import dev.brigade.model.Dense;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;
import dev.brigade.simulator.CardFraudWorld;
import dev.brigade.simulator.SimEvent;

/**
 * Batch scoring across processes (issue 10): card-fraud with {@code serving.mode: batch}, the real feature-service
 * computing vectors from raw events, and the serving-service scoring the same events twice: once per ScoringRequested
 * (the online path's core, features looked up as of the event's time) and once in a batch job over the vectors the
 * feature-service computed. The same model version must give the same score both ways.
 *
 * <p>The model is registered over the registry's REST API as FaultSuiteIT does (the helpers below are its own).
 */
class BatchScoringIT {

    private static final String USE_CASE = "card-fraud";
    private static final String SET = "card-activity";
    private static final int SET_VERSION = 1;
    private static final int EVENTS = 300;
    private static final int REQUESTS = 40;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static Platform platform;

    @BeforeAll
    static void startPlatform() {
        // No caller waits for a batch score: give the as-of look-up all the time a loaded host needs.
        platform = Platform.start("batch-scoring", List.of(Platform.REGISTRY, Platform.FEATURE, Platform.SERVING),
                Map.of("BRIGADE_SERVING_BATCH_LOOKUP_TIMEOUT", "30s"));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void theSameVersionGivesTheSameScoreForAnEventOnlineAndInABatchJob() throws Exception {
        // Given card-fraud served in batch, with a champion
        String spec = Files.readString(Platform.repoRoot().resolve("use-cases/" + USE_CASE + ".yaml"))
                .replaceFirst("(?m)^  mode: online$", "  mode: batch")
                .replaceFirst("(?m)^  autoAdvance: true$", "  autoAdvance: false")
                .replaceFirst("(?m)^(  signals: ).*$", "$1[manual]");
        assertThat(spec).contains("mode: batch");
        Http.Answer registered = Http.put(registry() + "/v1/use-cases/" + USE_CASE, "application/yaml", spec, "rita",
                "rita-local");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        int v1 = registerVersion(artifact(1), metadata(null));
        promote(v1, List.of("shadow", "champion"));
        String serving = platform.url(Platform.SERVING);
        await("serving to load v1", Duration.ofMinutes(2), () -> {
            Http.Answer models = Http.get(serving + "/v1/models");
            return models.status() == 200 && models.body().contains("\"champion\":" + v1) ? models : null;
        });

        // And raw card transactions of the last minutes, from which the feature-service computes one vector each
        Instant t0 = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        CardFraudWorld world = new CardFraudWorld(11, 25, 40);
        List<SimEvent> events = new ArrayList<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroEventSerializer<>())) {
            for (int i = 0; i < EVENTS; i++) {
                SimEvent e = world.next(t0.plusSeconds(2L * i));
                events.add(e);
                producer.send(new ProducerRecord<>(Topics.RAW_EVENTS, e.entityId(), RawEvent.newBuilder()
                        .setEventId(e.eventId()).setSource(e.source()).setEntityId(e.entityId())
                        .setEventTime(e.eventTime()).setAttributes(new HashMap<>(e.attributes())).build()));
            }
            producer.flush();
        }
        Set<String> ids = new java.util.HashSet<>();
        events.forEach(e -> ids.add(e.eventId()));
        await("a vector for every event", Duration.ofMinutes(4), () -> {
            Set<String> seen = new java.util.HashSet<>();
            readAll(Topics.FEATURE_VECTORS, FeatureVector.class, v -> {
                if (v.getFeatureSet().equals(SET) && v.getFeatureSetVersion() == SET_VERSION
                        && ids.contains(v.getEventId())) {
                    seen.add(v.getEventId());
                }
            });
            return seen.size() == EVENTS ? seen : null;
        });

        // When the last events are scored through scoring-requests, each with its time and attributes
        List<SimEvent> requested = events.subList(EVENTS - REQUESTS, EVENTS);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroEventSerializer<>())) {
            for (SimEvent e : requested) {
                producer.send(new ProducerRecord<>(Topics.SCORING_REQUESTS, e.entityId(), ScoringRequested
                        .newBuilder().setRequestId("req-" + e.eventId()).setUseCase(USE_CASE)
                        .setEventId(e.eventId()).setEntityId(e.entityId()).setEventTime(e.eventTime())
                        .setAttributes(new HashMap<>(e.attributes())).setRequestedAt(Instant.now()).build()));
            }
            producer.flush();
        }
        Map<String, ScoreProduced> online = await("a score for every request", Duration.ofMinutes(3), () -> {
            Map<String, ScoreProduced> found = new HashMap<>();
            readAll(Topics.SCORES, ScoreProduced.class, s -> {
                if (s.getRequestId() != null && s.getRequestId().startsWith("req-")) {
                    found.put(s.getEventId(), s);
                }
            });
            return found.size() == REQUESTS ? found : null;
        });

        // And a batch job scores the vectors of the whole range
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("useCase", USE_CASE);
        job.put("from", t0.toString());
        job.put("to", t0.plusSeconds(2L * EVENTS).toString());
        Http.Answer started = Http.postJson(serving + "/v1/batch-jobs", job, "dave", "dave-local");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String jobId = Http.JSON.readTree(started.body()).get("id").asText();
        JsonNode ended = await("the job to end", Duration.ofMinutes(3), () -> {
            try {
                JsonNode view = Http.JSON.readTree(Http.get(serving + "/v1/batch-jobs/" + jobId).body());
                return "RUNNING".equals(view.path("status").asText()) ? null : view;
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("SUCCEEDED");
        assertThat(ended.path("summary").path("eventsScored").asLong()).isEqualTo(EVENTS);
        assertThat(ended.path("progress").path("fraction").asDouble()).isEqualTo(1.0);
        Map<String, ScoreProduced> batch = new HashMap<>();
        readAll(Topics.SCORES, ScoreProduced.class, s -> {
            if (jobId.equals(s.getJobId())) {
                batch.put(s.getEventId(), s);
            }
        });

        // Then every requested event has the same score from the same version both ways
        assertThat(batch).hasSize(EVENTS);
        for (SimEvent e : requested) {
            ScoreProduced a = online.get(e.eventId());
            ScoreProduced b = batch.get(e.eventId());
            assertThat(a.getWarnings()).as("warnings of the request for %s", e.eventId()).isEmpty();
            assertThat(b.getModelVersion()).isEqualTo(a.getModelVersion()).isEqualTo(v1);
            assertThat(b.getScore()).as("score of %s: online features %s, vector %s", e.eventId(),
                    a.getFeatures(), b.getFeatures()).isCloseTo(a.getScore(), within(1e-9));
            assertThat(b.getDecision()).isEqualTo(a.getDecision());
        }
        System.out.printf("batch scoring: %d events, %d requests, job %s in %d ms; scores equal online and in batch%n",
                EVENTS, REQUESTS, jobId, ended.path("summary").path("durationMillis").asLong());
    }

    private static String registry() {
        return platform.url(Platform.REGISTRY);
    }

    // ---- as FaultSuiteIT registers its model

    /** Walks the rollout by hand as dave (deployer); the approval before champion is alice's (approver). */
    private static void promote(int version, List<String> steps) {
        for (String alias : steps) {
            if (alias.equals("champion")) {
                Http.Answer approval = Http.postJson(registry() + "/v1/use-cases/" + USE_CASE + "/versions/"
                        + version + "/approvals", Map.of("comment", "batch scoring"), "alice", "alice-local");
                assertThat(approval.status()).as(approval.body()).isIn(200, 201, 409);
            }
            Map<String, Object> move = new LinkedHashMap<>();
            move.put("version", version);
            if (alias.equals("canary")) {
                move.put("trafficPercent", 10);
            }
            move.put("reason", "batch scoring rollout");
            Http.Answer moved = Http.postJson(registry() + "/v1/use-cases/" + USE_CASE + "/aliases/" + alias, move,
                    "dave", "dave-local");
            assertThat(moved.status()).as(alias + " v" + version + ": " + moved.body()).isBetween(200, 201);
        }
    }

    /** POST .../versions as rita (registrar), multipart artifact + metadata, as training registers. */
    private static int registerVersion(byte[] artifact, String metadata) throws Exception {
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

    /** A small 10-16-1 classifier over card-activity v1 (random weights: equality, not quality, is tested). */
    private static byte[] artifact(long seed) {
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
    private static String metadata(Integer champion) throws Exception {
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
        metadata.put("lineage", Map.of("trainingRunId", "batch-scoring-" + (champion == null ? 1 : 2),
                "codeVersion", "git:batch-scoring", "featureSet", SET, "featureSetVersion", SET_VERSION,
                "datasetRanges", List.of(Map.of("topic", "training-examples", "partition", 0, "fromOffset", 0,
                        "toOffset", 40000)),
                "hyperparameters", Map.of("hidden", "16"), "seed", 42));
        metadata.put("evaluationReport", report);
        metadata.put("referenceProfile", Map.of("n", 40000, "features", profile));
        metadata.put("reason", "batch scoring");
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

    private static <T extends SpecificRecord> void readAll(String topic, Class<T> type,
            java.util.function.Consumer<T> each) {
        EventCodec<T> codec = EventCodec.of(type);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    each.accept(codec.decode(record.value()));
                }
            }
        }
    }

    private static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            ServiceProcess.sleep(500);
        }
        throw new AssertionError("no " + what + " within " + timeout);
    }}
