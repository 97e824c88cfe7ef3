package dev.brigade.training.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import dev.brigade.events.OffsetRange;
import dev.brigade.events.RunEpoch;
import dev.brigade.events.RunSplitSummary;
import dev.brigade.events.TrainingRunState;
import dev.brigade.events.TrainingRunStatus;
import dev.brigade.training.ClassBalance;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.Evaluation;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.RunStatus;
import dev.brigade.training.SplitSummary;

/**
 * RunState to and from the TrainingRunState on training-run-state. Every field of the run record travels, so a
 * replica renders GET /v1/runs/{id} like the owner. The evaluation is a deep station-internal structure (slices,
 * calibration, fairness, worst rows with their inputs): it travels as the JSON the run record renders, through the
 * same ObjectMapper, so both ends agree by construction.
 */
public final class RunStateMapper {

    private final ObjectMapper json;

    /** @param json the application's mapper, which renders run records over REST */
    public RunStateMapper(ObjectMapper json) {
        // A field added to the evaluation later must not make older states unreadable
        this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .registerModule(new SimpleModule("run-state").addDeserializer(CostMatrix.class, new CostMatrixJson()))
                .addMixIn(Cost.class, CostComponents.class);
    }

    /** A cost travels as its components (the feature's name, not only whether it has one), so it reads back whole. */
    @JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
    private interface CostComponents {
    }

    /** The cost matrix renders as its variant's fields only: a classification matrix is the one with outcomes. */
    private static final class CostMatrixJson extends StdDeserializer<CostMatrix> {

        CostMatrixJson() {
            super(CostMatrix.class);
        }

        @Override
        public CostMatrix deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = parser.readValueAsTree();
            Class<? extends CostMatrix> variant = node.has("truePositive") ? CostMatrix.Classification.class
                    : CostMatrix.Regression.class;
            return parser.getCodec().treeToValue(node, variant);
        }
    }

    public TrainingRunState toAvro(RunState state) {
        RunRecord r = state.run();
        return TrainingRunState.newBuilder()
                .setRunId(r.runId())
                .setUseCase(r.useCase())
                .setRevision(state.revision())
                .setOwner(r.owner() == null ? "" : r.owner())
                .setWriter(state.writer())
                .setHeartbeatAt(r.heartbeatAt() == null ? r.createdAt() : r.heartbeatAt())
                .setRequestIds(List.copyOf(r.requestIds()))
                .setReason(r.reason())
                .setStatus(TrainingRunStatus.valueOf(r.status().name()))
                .setStatusReason(r.statusReason())
                .setCodeVersion(r.codeVersion())
                .setSpecVersion(r.specVersion())
                .setFeatureSet(r.featureSet())
                .setFeatureSetVersion(r.featureSetVersion())
                .setHyperparameters(r.hyperparameters())
                .setSeed(r.seed())
                .setDatasetRanges(r.datasetRanges().stream()
                        .map(d -> new OffsetRange(d.topic(), d.partition(), d.fromOffset(), d.toOffset())).toList())
                .setCutoff(r.cutoff())
                .setNewExamples(r.newExamples())
                .setTraining(split(r.training()))
                .setValidation(split(r.validation()))
                .setHoldout(split(r.holdout()))
                .setEpochs(r.epochs().stream()
                        .map(e -> new RunEpoch(e.epoch(), e.maxEpochs(), e.trainLoss(), e.validationLoss())).toList())
                .setEvaluationJson(evaluation(r.evaluation()))
                .setModelVersion(r.modelVersion())
                .setArtifactSha256(r.artifactSha256())
                .setCreatedAt(r.createdAt())
                .setStartedAt(r.startedAt())
                .setFinishedAt(r.finishedAt())
                .setWallTimeMillis(r.wallTimeMillis())
                .setCpuMillis(r.cpuMillis())
                .build();
    }

    public RunState fromAvro(TrainingRunState s) {
        RunRecord run = new RunRecord(s.getRunId(), s.getUseCase(), s.getRequestIds(), s.getReason(),
                RunStatus.valueOf(s.getStatus().name()), s.getStatusReason(), s.getCodeVersion(), s.getSpecVersion(),
                s.getFeatureSet(), s.getFeatureSetVersion(), s.getHyperparameters(), s.getSeed(),
                s.getDatasetRanges().stream()
                        .map(o -> new DatasetRange(o.getTopic(), o.getPartition(), o.getFromOffset(), o.getToOffset()))
                        .toList(),
                s.getCutoff(), s.getNewExamples(), split(s.getTraining()), split(s.getValidation()),
                split(s.getHoldout()),
                s.getEpochs().stream().map(e -> new EpochProgress(e.getEpoch(), e.getMaxEpochs(), e.getTrainLoss(),
                        e.getValidationLoss())).toList(),
                evaluation(s.getEvaluationJson()), s.getModelVersion(), s.getArtifactSha256(), s.getCreatedAt(),
                s.getStartedAt(), s.getFinishedAt(), s.getWallTimeMillis(), s.getCpuMillis(),
                s.getOwner().isEmpty() ? null : s.getOwner(), s.getHeartbeatAt());
        return new RunState(run, s.getRevision(), s.getWriter());
    }

    private String evaluation(Evaluation evaluation) {
        if (evaluation == null) {
            return null;
        }
        try {
            return json.writeValueAsString(evaluation);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Evaluation evaluation(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, Evaluation.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RunSplitSummary split(SplitSummary s) {
        if (s == null) {
            return null;
        }
        return new RunSplitSummary(s.n(), s.balance() == null ? null : s.balance().positives(),
                s.balance() == null ? null : s.balance().negatives(), s.from(), s.to());
    }

    private static SplitSummary split(RunSplitSummary s) {
        if (s == null) {
            return null;
        }
        ClassBalance balance = s.getPositives() == null ? null
                : new ClassBalance(s.getPositives(), s.getNegatives() == null ? 0 : s.getNegatives());
        return new SplitSummary(s.getN(), balance, s.getFrom(), s.getTo());
    }
}
