package dev.brigade.training.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.events.TrainingReason;
import dev.brigade.model.ModelTask;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.Hyperparameters;
import dev.brigade.training.UseCaseSettings;

/** The shipped use cases, as the registry's spec view serves them, read into training's settings. */
class SpecMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheCardFraudSpec() throws IOException {
        UseCaseSettings s = SpecMapper.toSettings(view("card-fraud"));

        assertThat(s.name()).isEqualTo("card-fraud");
        assertThat(s.specVersion()).isEqualTo(1);
        assertThat(s.task()).isEqualTo(ModelTask.BINARY_CLASSIFICATION);
        assertThat(s.featureSet()).isEqualTo("card-activity");
        assertThat(s.featureSetVersion()).isEqualTo(1);
        assertThat(s.primaryMetric()).isEqualTo("auc");
        assertThat(s.sliceAttributes()).containsExactly("region", "device");
        assertThat(s.costMatrix()).isEqualTo(new CostMatrix.Classification("expected-cost-per-transaction",
                Cost.of(5.0), Cost.of(5.0), Cost.feature("amount"), Cost.of(0.0)));
        assertThat(s.decisionThreshold()).isEqualTo(0.5);
        assertThat(s.latencyBudgetMs()).isEqualTo(25.0);
        assertThat(s.owner()).isEqualTo("fraud-ml-team");
        assertThat(s.retraining().signals()).containsExactlyInAnyOrder(TrainingReason.DRIFT,
                TrainingReason.DEGRADED, TrainingReason.NEW_DATA, TrainingReason.SCHEDULE, TrainingReason.MANUAL);
        assertThat(s.retraining().minNewLabelledExamples()).isEqualTo(5000);
        assertThat(s.retraining().cooldown()).isEqualTo(Duration.ofHours(6));
        assertThat(s.retraining().maxRunsPerDay()).isEqualTo(2);
        assertThat(s.hyperparameters()).containsEntry("hiddenLayers", "32,16").containsEntry("maxEpochs", "30");
        assertThat(s.protectedAttributes()).containsExactly("region", "device");
        assertThat(s.fairnessMinSliceSize()).isEqualTo(1000);
    }

    @Test
    void theSpecsHyperparametersSitBetweenTheDefaultsAndARequestsOverrides() throws IOException {
        // Given the card-fraud spec with a narrower network and fewer epochs than the defaults
        ObjectNode view = (ObjectNode) view("card-fraud");
        ObjectNode training = (ObjectNode) view.get("spec").get("training").get("hyperparameters");
        training.put("maxEpochs", 12).putArray("hiddenLayers").add(8);
        UseCaseSettings s = SpecMapper.toSettings(view);

        // When a request overrides only the epochs
        Hyperparameters params = s.hyperparameters(Map.of("maxEpochs", "3"));

        // Then the request wins where it speaks, the spec where it does not, the defaults elsewhere
        assertThat(params.maxEpochs()).isEqualTo(3);
        assertThat(params.hiddenLayers()).containsExactly(8);
        assertThat(params.patience()).isEqualTo(4);
        assertThat(params.validationFraction()).isEqualTo(Hyperparameters.defaults().validationFraction());
    }

    @Test
    void aSpecWithoutATrainingSectionTrainsWithTheDefaults() throws IOException {
        ObjectNode view = (ObjectNode) view("delivery-eta");
        ((ObjectNode) view.get("spec")).remove("training");

        assertThat(SpecMapper.toSettings(view).hyperparameters(Map.of())).isEqualTo(Hyperparameters.defaults());
    }

    @Test
    void aBadSpecValueIsNamedWithItsSection() throws IOException {
        ObjectNode view = (ObjectNode) view("card-fraud");
        ((ObjectNode) view.get("spec").get("training").get("hyperparameters")).put("learningRate", 1.5);

        assertThatThrownBy(() -> SpecMapper.toSettings(view).hyperparameters(Map.of()))
                .hasMessageStartingWith("spec.training.hyperparameters.learningRate");
    }

    @Test
    void readsTheDeliveryEtaSpec() throws IOException {
        UseCaseSettings s = SpecMapper.toSettings(view("delivery-eta"));

        assertThat(s.task()).isEqualTo(ModelTask.REGRESSION);
        assertThat(s.primaryMetric()).isEqualTo("mae");
        assertThat(s.sliceAttributes()).containsExactly("zone");
        assertThat(s.costMatrix()).isEqualTo(new CostMatrix.Regression("expected-cost-per-delivery", 0.5, 0.2));
        assertThat(s.decisionThreshold()).isNull();
        assertThat(s.retraining().signals()).doesNotContain(TrainingReason.SCHEDULE);
        assertThat(s.retraining().cooldown()).isEqualTo(Duration.ofHours(12));
        // No minSliceSize of its own: the per-slice guardrails' 300, as the registry's gate reads it
        assertThat(s.fairness()).isEqualTo(new dev.brigade.training.Fairness.Settings(List.of("zone"), 300));
    }

    @Test
    void namesWhatIsMissing() throws IOException {
        ObjectNode view = (ObjectNode) view("card-fraud");
        ((ObjectNode) view.get("spec")).remove("retrainingPolicy");
        assertThatThrownBy(() -> SpecMapper.toSettings(view)).hasMessageContaining("retrainingPolicy");
    }

    @Test
    void readsTheCooldownAsWrittenOrInIsoAndNamesOneItCannotRead() throws IOException {
        // Given a spec whose cooldown is ISO-8601, and one whose cooldown is no duration
        ObjectNode iso = (ObjectNode) view("card-fraud");
        ((ObjectNode) iso.get("spec").get("retrainingPolicy")).put("cooldown", "PT90M");
        ObjectNode soon = (ObjectNode) view("card-fraud");
        ((ObjectNode) soon.get("spec").get("retrainingPolicy")).put("cooldown", "soon");

        // Then the first reads as its duration, the second fails naming what it could not read
        assertThat(SpecMapper.toSettings(iso).retraining().cooldown()).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> SpecMapper.toSettings(soon)).hasMessageContaining("soon");
    }

    private static JsonNode view(String name) throws IOException {
        try (InputStream in = SpecMapperTest.class.getResourceAsStream("/specs/" + name + ".json")) {
            return JSON.readTree(in);
        }
    }
}
