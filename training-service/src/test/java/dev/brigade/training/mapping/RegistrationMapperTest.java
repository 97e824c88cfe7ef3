package dev.brigade.training.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.events.TrainingReason;
import dev.brigade.model.Activation;
import dev.brigade.model.Dense;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;
import dev.brigade.model.OutputScale;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.Dataset;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.Evaluation;
import dev.brigade.training.FeatureProfile;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;
import dev.brigade.training.LatencySample;
import dev.brigade.training.RetrainingPolicy;
import dev.brigade.training.SliceResult;
import dev.brigade.training.UseCaseSettings;
import dev.brigade.training.WorstExample;

/** The registration metadata of a regression run: the sections and fields docs/model-artifacts.md lists. */
class RegistrationMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesTheContractLineageReportAndProfileOfARegressionModel() {
        // Given a regression run on two inputs (a LONG imputed with a fractional mean, a DOUBLE), without champion
        List<InputFeature> inputs = List.of(new InputFeature("items", InputType.LONG),
                new InputFeature("distance_km", InputType.DOUBLE));
        ModelArtifact artifact = ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION).setTaskType(ModelTask.REGRESSION)
                .setFeatureNames(List.of("items", "distance_km")).setImputation(List.of(1.5, 3.0))
                .setNormalisation(new Normalisation(List.of(1.5, 3.0), List.of(1.0, 2.0)))
                .setLayers(List.of(new Dense(2, 1, List.of(1.0, 2.0), List.of(0.0), Activation.IDENTITY)))
                .setOutputScale(new OutputScale(30.0, 10.0)).setDecisionThreshold(null).build();
        UseCaseSettings settings = new UseCaseSettings("delivery-eta", 3, ModelTask.REGRESSION, "courier-load", 1,
                "mae", List.of("zone"), new CostMatrix.Regression("expected-cost-per-delivery", 0.5, 0.2), null, 50,
                "eta-ml-team", new RetrainingPolicy(Set.of(TrainingReason.MANUAL), 0, Duration.ZERO, 1), Map.of(),
                List.of(), 1);
        Dataset dataset = new Dataset("courier-load", 1,
                List.of(new DatasetRange("training-examples", 0, 0, 40), new DatasetRange("training-examples", 1, 5,
                        5)), Instant.EPOCH, List.of(), 0, 0, 0, 0);
        Evaluation evaluation = new Evaluation(8, Map.of("mae", 2.0, "rmse", 2.5), Map.of(),
                List.of(new SliceResult("zone", "north", 5, Map.of("mae", 1.8)),
                        new SliceResult("zone", "south", 3, Map.of())),
                null, settings.costMatrix(), 0.9, Optional.empty(), Optional.empty(), Map.of("mae", 2.4), 0.1,
                List.of(new WorstExample("ev-9", 40.0, 22.5, 17.5, Map.of("zone", "south"), worstFeatures())), null);
        Map<String, FeatureProfile> profile = Map.of(
                "items", new FeatureProfile(InputType.LONG, List.of(1.0, 2.0, 3.0), null, List.of(0.5, 0.5), 1.5, 0.5,
                        0.0),
                "distance_km", new FeatureProfile(InputType.DOUBLE, List.of(0.0, 9.0), null, List.of(1.0), 3.0, 2.0,
                        0.1));

        // When mapped
        ObjectNode m = RegistrationMapper.metadata(JSON, new RegistrationMapper.Registration(settings, inputs,
                artifact, "run-1", "git:abc", dataset, Map.of("seed", "42"), 42, evaluation, null,
                "newest 20% by event time", profile, 32, new LatencySample(2.0, 9.0, 3), "weekly",
                "candidate", null));

        // Then the sections are exactly the contract's
        assertThat(m.fieldNames()).toIterable().containsExactly("contract", "lineage", "evaluationReport",
                "referenceProfile", "role", "reason");
        assertThat(m.path("contract").toString()).isEqualTo("{\"inputs\":[{\"name\":\"items\",\"type\":\"LONG\"},"
                + "{\"name\":\"distance_km\",\"type\":\"DOUBLE\",\"imputation\":3.0}],\"output\":\"prediction\","
                + "\"latencyBudgetMs\":50.0,\"owner\":\"eta-ml-team\"}");
        assertThat(m.path("lineage").path("datasetRanges")).hasSize(2);
        assertThat(m.path("lineage").path("hyperparameters").path("seed").asText()).isEqualTo("42");
        ObjectNode report = (ObjectNode) m.path("evaluationReport");
        assertThat(report.fieldNames()).toIterable().containsExactly("holdout", "overall", "slices",
                "businessMetric", "worstExamples", "latency");
        // the worst row with its slice and its inputs as the model saw them (a missing one as null)
        assertThat(report.path("worstExamples").toString()).isEqualTo("[{\"eventId\":\"ev-9\",\"label\":40.0,"
                + "\"score\":22.5,\"loss\":17.5,\"slices\":{\"zone\":\"south\"},"
                + "\"features\":{\"items\":null,\"distance_km\":12.0}}]");
        assertThat(report.path("overall").path("metrics").path("robustness.mae").asDouble()).isEqualTo(2.4);
        // a slice without any defined metric is left out: the registry wants at least one per slice
        assertThat(report.path("slices")).hasSize(1);
        assertThat(report.path("businessMetric").toString())
                .isEqualTo("{\"name\":\"expected-cost-per-delivery\",\"candidate\":0.9}");
        assertThat(m.path("referenceProfile").path("n").asInt()).isEqualTo(32);
        assertThat(m.path("referenceProfile").path("features").path("items").path("edges")).hasSize(3);
        assertThat(m.path("role").asText()).isEqualTo("candidate");
    }

    private static Map<String, Object> worstFeatures() {
        Map<String, Object> features = new java.util.LinkedHashMap<>();
        features.put("items", null);
        features.put("distance_km", 12.0);
        return features;
    }
}
