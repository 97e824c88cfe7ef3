package dev.brigade.monitor.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.AliasMoved;
import dev.brigade.events.ContractInput;
import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.Lineage;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import dev.brigade.events.ModelVersionRegistered;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.RunProgress;
import dev.brigade.events.RunStarted;
import dev.brigade.events.RuntimeContract;
import dev.brigade.events.TaskType;
import dev.brigade.events.TrainingReason;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.events.ValueType;
import dev.brigade.events.Variant;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.signing.RecordSigner;

/**
 * Test data on the wire, in the contract's encoding: use cases and versions as the registry writes them, predictions
 * as serving logs them, labels and feature vectors as the prep station writes them, training runs.
 */
public final class Fixtures implements AutoCloseable {

    /** Standard-normal deciles (widened ends): each bin holds 10% of N(0, 1). */
    public static final double[] Z = {-6, -1.28155, -0.84162, -0.52440, -0.25335, 0, 0.25335, 0.52440, 0.84162,
            1.28155, 6};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RecordSigner REGISTRY_KEY = RecordSigner.fromKeystore(
            Path.of("src/test/resources/signing/registry-signing.p12"), "brigade-test".toCharArray(),
            "registry-signing");
    private final KafkaProducer<String, byte[]> producer;
    private final List<Future<?>> pending = new ArrayList<>();

    public Fixtures(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The shipped spec under another name, as the registry's JSON. */
    public static String spec(String file, String name) throws Exception {
        ObjectNode spec = (ObjectNode) new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(Path.of("../use-cases/" + file)));
        spec.put("name", name);
        return JSON.writeValueAsString(spec);
    }

    public void useCase(String name, String file, TaskType task) throws Exception {
        useCase(name, file, task, "set");
    }

    /** A use case whose spec names feature set {@code featureSet} version 1. */
    public void useCase(String name, String file, TaskType task, String featureSet) throws Exception {
        send(Topics.REGISTRY_EVENTS, name, EventCodec.of(RegistryEvent.class).encode(RegistryEvent.newBuilder()
                .setEventId("uc-" + name).setUseCase(name).setOccurredAt(Instant.now()).setActor("rita")
                .setWhy("test").setPayload(new UseCaseRegistered(1, task, featureSet, 1, spec(file, name), "sha"))
                .build()));
    }

    /** A version whose profile has numeric features N(mean, std) binned at deciles and boolean ones at a share. */
    public void version(String useCase, int version, Map<String, double[]> numeric, Map<String, Double> booleans,
            Map<String, Double> offline) throws Exception {
        Map<String, Object> features = new LinkedHashMap<>();
        List<ContractInput> inputs = new ArrayList<>();
        numeric.forEach((name, ms) -> {
            double[] edges = new double[Z.length];
            for (int i = 0; i < Z.length; i++) {
                edges[i] = ms[0] + ms[1] * Z[i];
            }
            double[] freq = new double[10];
            java.util.Arrays.fill(freq, 0.1);
            features.put(name, Map.of("type", "DOUBLE", "edges", edges, "frequencies", freq, "mean", ms[0], "std",
                    ms[1], "missingRate", 0.0));
            inputs.add(new ContractInput(name, ValueType.DOUBLE, ms[0]));
        });
        booleans.forEach((name, share) -> {
            features.put(name, Map.of("type", "BOOLEAN", "categories", List.of("false", "true"), "frequencies",
                    List.of(1 - share, share), "missingRate", 0.0));
            inputs.add(new ContractInput(name, ValueType.BOOLEAN, false));
        });
        String profile = JSON.writeValueAsString(Map.of("n", 40000, "features", features));
        String report = JSON.writeValueAsString(Map.of("overall", Map.of("n", 8000, "metrics", offline),
                "businessMetric", Map.of("name", "cost", "candidate", 0.4)));
        send(Topics.REGISTRY_EVENTS, useCase, EventCodec.of(RegistryEvent.class).encode(RegistryEvent.newBuilder()
                .setEventId("v-" + useCase + "-" + version).setUseCase(useCase).setOccurredAt(Instant.now())
                .setActor("training-service").setWhy("test")
                .setPayload(ModelVersionRegistered.newBuilder().setVersion(version).setArtifactSha256("00")
                        .setArtifactSize(1)
                        .setContract(new RuntimeContract(inputs, "score", 25.0, 0.5, "ml-team"))
                        .setLineage(Lineage.newBuilder().setTrainingRunId("run-" + version).setCodeVersion("git:1")
                                .setFeatureSet("set").setFeatureSetVersion(1).build())
                        .setEvaluationReport(report).setReferenceProfile(profile).setRole(ModelRole.CANDIDATE)
                        .build())
                .build()));
    }

    public void alias(String useCase, ModelAlias alias, Integer from, Integer to, AliasMoveKind kind) {
        send(Topics.REGISTRY_EVENTS, useCase, EventCodec.of(RegistryEvent.class).encode(RegistryEvent.newBuilder()
                .setEventId("alias-" + useCase + "-" + alias + "-" + to + "-" + kind).setUseCase(useCase)
                .setOccurredAt(Instant.now()).setActor("dave").setWhy("rollout")
                .setPayload(new AliasMoved(alias, from, to, alias == ModelAlias.CANARY ? 10.0 : null, kind)).build()));
    }

    public static PredictionLogged prediction(String useCase, int version, String eventId, long servedAt,
            Map<String, Object> features, double score, long latencyMicros) {
        Map<String, Object> values = new HashMap<>(features);
        return PredictionLogged.newBuilder().setPredictionId("p-" + eventId + "-v" + version).setEventId(eventId)
                .setEntityId("e-" + eventId).setUseCase(useCase).setModelVersion(version)
                .setVariant(Variant.CHAMPION).setFeatures(values).setScore(score).setLatencyMicros(latencyMicros)
                .setCpuMicros(latencyMicros / 2).setServedAt(Instant.ofEpochMilli(servedAt)).build();
    }

    public void prediction(PredictionLogged p) {
        send(Topics.PREDICTIONS, p.getEventId(), EventCodec.of(PredictionLogged.class).encode(p));
    }

    public void label(String useCase, String eventId, double label, long labelTime) {
        send(Topics.LABELS, eventId, EventCodec.of(LabelEvent.class).encode(LabelEvent.newBuilder()
                .setEventId(eventId).setEntityId("e-" + eventId).setLabel(label)
                .setLabelTime(Instant.ofEpochMilli(labelTime)).setUseCase(useCase).build()));
    }

    public void vector(String eventId, long eventTime, Map<String, Object> values) {
        Map<String, FeatureStatus> statuses = new HashMap<>();
        values.keySet().forEach(k -> statuses.put(k, FeatureStatus.PRESENT));
        send(Topics.FEATURE_VECTORS, eventId, EventCodec.of(FeatureVector.class).encode(FeatureVector.newBuilder()
                .setEventId(eventId).setEntityId("e-" + eventId).setEventTime(Instant.ofEpochMilli(eventTime))
                .setFeatureSet("set").setFeatureSetVersion(1).setValues(new HashMap<>(values)).setStatuses(statuses)
                .setComputedAt(Instant.ofEpochMilli(eventTime)).build()));
    }

    public void run(String useCase, String runId, int epochs) {
        EventCodec<TrainingRunEvent> codec = EventCodec.of(TrainingRunEvent.class);
        send(Topics.TRAINING_RUNS, runId, codec.encode(TrainingRunEvent.newBuilder().setEventId(runId + "-s")
                .setRunId(runId).setUseCase(useCase).setOccurredAt(Instant.now())
                .setPayload(RunStarted.newBuilder().setRequestId("req").setReason(TrainingReason.DRIFT)
                        .setCodeVersion("git:1").setFeatureSet("set").setFeatureSetVersion(1)
                        .setHyperparameters(Map.of()).setSeed(42).setDatasetRanges(List.of()).build())
                .build()));
        for (int e = 1; e <= epochs; e++) {
            send(Topics.TRAINING_RUNS, runId, codec.encode(TrainingRunEvent.newBuilder().setEventId(runId + "-" + e)
                    .setRunId(runId).setUseCase(useCase).setOccurredAt(Instant.now())
                    .setPayload(new RunProgress(e, 20, 0.7 / Math.sqrt(e), 0.75 / Math.sqrt(e))).build()));
        }
    }

    /** Amount-like numeric values and a boolean share, for a window of n predictions. */
    public static Map<String, Object> features(Random random, Map<String, double[]> numeric,
            Map<String, Double> booleans) {
        Map<String, Object> f = new HashMap<>();
        numeric.forEach((k, ms) -> f.put(k, ms[0] + ms[1] * random.nextGaussian()));
        booleans.forEach((k, share) -> f.put(k, random.nextDouble() < share));
        return f;
    }

    /** Registry events are signed with the test registry key (src/test/resources/signing), as the registry signs. */
    public void send(String topic, String key, byte[] value) {
        send(topic, key, value, Topics.REGISTRY_EVENTS.equals(topic) ? REGISTRY_KEY : null);
    }

    /** Signed with this key, or unsigned when it is null (a forged registry event). */
    public void send(String topic, String key, byte[] value, RecordSigner signer) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signer != null) {
            signer.sign(key, value, record.headers());
        }
        pending.add(producer.send(record));
    }

    /** A test key nobody trusts. */
    public static RecordSigner untrustedKey() {
        return RecordSigner.fromKeystore(Path.of("src/test/resources/signing/untrusted.p12"),
                "brigade-test".toCharArray(), "untrusted");
    }

    public void flush() throws Exception {
        producer.flush();
        for (Future<?> f : pending) {
            f.get();
        }
        pending.clear();
    }

    @Override
    public void close() {
        producer.close();
    }
}
