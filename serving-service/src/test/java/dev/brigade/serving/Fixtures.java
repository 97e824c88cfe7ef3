package dev.brigade.serving;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.AliasMoved;
import dev.brigade.events.ContractInput;
import dev.brigade.events.Lineage;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.ModelRole;
import dev.brigade.events.ModelVersionRegistered;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.RuntimeContract;
import dev.brigade.events.TaskType;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.events.ValueType;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.model.Activation;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;
import dev.brigade.model.TestArtifacts;
import dev.brigade.serving.client.RegistryClient;

/**
 * Test use cases on the real broker: registry events as the registry writes them (Avro single-object encoding on
 * registry-events, key use case) and model artifacts in the platform's format, served by {@link FakeUpstreams}.
 */
public final class Fixtures {

    /** Card-fraud-like inputs: name and contract type, in contract order. */
    public static final List<String> INPUTS = List.of("amount", "online", "txn_count_10m", "amount_sum_24h");
    public static final List<ValueType> TYPES = List.of(ValueType.DOUBLE, ValueType.BOOLEAN, ValueType.LONG,
            ValueType.DOUBLE);
    public static final List<Double> IMPUTATION = List.of(40.0, 0.0, 1.0, 120.0);
    public static final String FEATURE_SET = "card-activity";

    private static final EventCodec<RegistryEvent> CODEC = EventCodec.of(RegistryEvent.class);

    private Fixtures() {
    }

    /** A classifier 4 -> 8 RELU -> 1 SIGMOID with seeded random weights; different seeds give different scores. */
    public static ModelArtifact artifact(long seed) {
        Random random = new Random(seed);
        return ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(ModelTask.BINARY_CLASSIFICATION)
                .setFeatureNames(INPUTS)
                .setImputation(IMPUTATION)
                .setNormalisation(new Normalisation(List.of(50.0, 0.4, 2.0, 150.0), List.of(80.0, 0.5, 3.0, 200.0)))
                .setLayers(List.of(TestArtifacts.dense(random, 4, 8, Activation.RELU),
                        TestArtifacts.dense(random, 8, 1, Activation.SIGMOID)))
                .setDecisionThreshold(0.5)
                .build();
    }

    public static byte[] bytes(long seed) {
        return ModelArtifactCodec.encode(artifact(seed));
    }

    /** Registers use cases, versions and alias moves by writing registry-events, signed, as the registry would. */
    public static final class Registry {

        private final String useCase;
        private int versions;
        private String mode = "online";

        public Registry(String useCase) {
            this.useCase = useCase;
        }

        public String useCase() {
            return useCase;
        }

        /** The spec's serving.mode for the next {@link #register}: online (default) or batch. */
        public Registry mode(String servingMode) {
            this.mode = servingMode;
            return this;
        }

        /** UseCaseRegistered with a spec whose serving budget and rollout canary percents are given. */
        public Registry register(double latencyBudgetMs, double... canaryPercents) {
            StringBuilder rollout = new StringBuilder("[{\"alias\":\"shadow\"}");
            for (double p : canaryPercents) {
                rollout.append(",{\"alias\":\"canary\",\"trafficPercent\":").append(p).append('}');
            }
            rollout.append(",{\"alias\":\"champion\"}]");
            String spec = "{\"name\":\"" + useCase + "\",\"owners\":{\"deploy\":\"risk-platform-oncall\"},"
                    + "\"promotionPolicy\":{\"rollout\":" + rollout + "},\"serving\":{\"decisionThreshold\":0.5,"
                    + "\"latencyBudgetMs\":" + latencyBudgetMs + ",\"mode\":\"" + mode + "\"},\"task\":{\"featureSet\":"
                    + "{\"name\":\"" + FEATURE_SET + "\",\"version\":1},\"type\":\"binary-classification\"}}";
            send(new UseCaseRegistered(1, TaskType.BINARY_CLASSIFICATION, FEATURE_SET, 1, spec,
                    RegistryClient.sha256(spec.getBytes())));
            return this;
        }

        /** Puts the artifact on the fake registry and writes ModelVersionRegistered; returns the version. */
        public int version(byte[] artifact, ModelRole role) {
            String sha = RegistryClient.sha256(artifact);
            Upstreams.artifact(sha, artifact);
            return versionWithoutUpload(sha, artifact.length, role);
        }

        /** ModelVersionRegistered for an artifact the registry may not serve as announced. */
        public int versionWithoutUpload(String sha, long size, ModelRole role) {
            List<ContractInput> inputs = new ArrayList<>();
            for (int i = 0; i < INPUTS.size(); i++) {
                inputs.add(new ContractInput(INPUTS.get(i), TYPES.get(i), null));
            }
            int v = ++versions;
            send(new ModelVersionRegistered(v, sha, size,
                    new RuntimeContract(inputs, "fraud_probability", 20.0, 0.5, "fraud-ml-team"),
                    new Lineage("run-" + v, "git:test", FEATURE_SET, 1, List.of(), Map.of(), 42L), "{}", "{}",
                    role));
            return v;
        }

        public void promote(ModelAlias alias, Integer from, Integer to, Double percent) {
            send(new AliasMoved(alias, from, to, percent, AliasMoveKind.PROMOTE));
        }

        public void rollback(int from, int to) {
            send(new AliasMoved(ModelAlias.CHAMPION, from, to, null, AliasMoveKind.ROLLBACK));
        }

        public void clear(ModelAlias alias, int from) {
            send(new AliasMoved(alias, from, null, null, AliasMoveKind.CLEAR));
        }

        /** A registry event of this use case with this payload, encoded, not sent (to forge one). */
        public byte[] encoded(String eventId, Object payload) {
            return CODEC.encode(RegistryEvent.newBuilder().setEventId(eventId).setUseCase(useCase)
                    .setOccurredAt(Instant.now()).setActor("test").setWhy("test").setPayload(payload).build());
        }

        private void send(Object payload) {
            TestKeys.send(Topics.REGISTRY_EVENTS, useCase, encoded(UUID.randomUUID().toString(), payload));
        }
    }
}
