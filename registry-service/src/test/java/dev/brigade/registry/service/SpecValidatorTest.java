package dev.brigade.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.platform.http.FieldError;
import dev.brigade.registry.Alias;
import dev.brigade.registry.Fixtures;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.mapping.RegistryJson;

/** The spec validator against the shipped specs, with each required field taken away in turn. */
class SpecValidatorTest {

    @Test
    void theShippedSpecsAreValid() {
        // Given the two specs the repository ships
        SpecValidator.Result fraud = SpecValidator.validate(yaml(Fixtures.specYaml("card-fraud.yaml")), "card-fraud");
        SpecValidator.Result eta = SpecValidator.validate(yaml(Fixtures.specYaml("delivery-eta.yaml")),
                "delivery-eta");

        // Then both are complete, with the decisions the files declare
        assertThat(fraud.errors()).isEmpty();
        assertThat(eta.errors()).isEmpty();
        UseCaseSpec card = fraud.spec();
        assertThat(card.task().type()).isEqualTo(UseCaseSpec.TaskType.BINARY_CLASSIFICATION);
        assertThat(card.task().featureSet()).isEqualTo(new UseCaseSpec.FeatureSetRef("card-activity", 1));
        assertThat(card.promotionPolicy().rollout()).extracting(UseCaseSpec.RolloutStep::label)
                .containsExactly("shadow", "canary 10.0%", "champion");
        assertThat(card.metrics().businessMetric().costMatrix().falseNegative().feature()).isEqualTo("amount");
        assertThat(eta.spec().task().type()).isEqualTo(UseCaseSpec.TaskType.REGRESSION);
        assertThat(eta.spec().serving().decisionThreshold()).isNull();
        assertThat(eta.spec().promotionPolicy().nonInferiorityMargin()).isEqualTo(0.25);
        assertThat(eta.spec().promotionPolicy().rollout()).filteredOn(s -> s.alias() == Alias.CANARY).hasSize(2);
    }

    @ParameterizedTest(name = "without {0}")
    @ValueSource(strings = {"framing.target", "framing.action", "framing.costOfError", "task.type",
        "task.entityKey", "task.featureSet.name", "task.featureSet.version", "task.label.source",
        "task.label.maxDelay", "metrics.primary.name", "metrics.primary.direction", "metrics.guardrails.overall",
        "metrics.guardrails.perSlice.slices", "metrics.guardrails.perSlice.minSliceSize",
        "metrics.guardrails.perSlice.rules", "metrics.businessMetric.name",
        "metrics.businessMetric.costMatrix.falseNegative", "serving.mode", "serving.latencyBudgetMs",
        "serving.freshness", "serving.decisionThreshold", "economics.cpuSecondCost", "economics.dailyVolume",
        "economics.currency", "owners.framing", "owners.data", "owners.training", "owners.evaluation",
        "owners.deploy", "owners.monitor", "promotionPolicy.checks", "promotionPolicy.minLift",
        "promotionPolicy.maxCalibrationError", "promotionPolicy.requireApproval", "promotionPolicy.rollout",
        "retrainingPolicy.signals", "retrainingPolicy.minNewLabelledExamples", "retrainingPolicy.cooldown",
        "retrainingPolicy.maxRunsPerDay", "alertRules", "alertRules[0].name", "alertRules[0].metric",
        "alertRules[0].when", "alertRules[0].threshold", "alertRules[0].minSamples", "alertRules[0].persistence",
        "alertRules[0].severity", "alertRules[0].owner", "alertRules[0].playbook", "alertRules[0].action"})
    void eachMissingFieldIsNamed(String field) {
        // Given the card-fraud spec without one field
        ObjectNode spec = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        remove(spec, field);

        // When it is validated
        SpecValidator.Result result = SpecValidator.validate(spec, "card-fraud");

        // Then it is refused naming exactly that field, as required
        assertThat(result.valid()).isFalse();
        assertThat(result.errors()).extracting(FieldError::field).containsExactly(field);
        assertThat(result.errors().get(0).message()).startsWith("required");
    }

    @Test
    void aMissingSectionNamesEachOfItsFields() {
        // Given the spec without its owners and framing sections
        ObjectNode spec = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        spec.remove("owners");
        spec.remove("framing");

        // When validated, Then every owner stage and every framing sentence is named
        assertThat(SpecValidator.validate(spec, "card-fraud").errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("framing.target", "framing.action", "framing.costOfError", "owners.framing",
                        "owners.data", "owners.training", "owners.evaluation", "owners.deploy", "owners.monitor");
    }

    @Test
    void anEmptySpecNamesEveryRequiredField() {
        // Given an empty document
        SpecValidator.Result result = SpecValidator.validate(yaml("{}"), "card-fraud");

        // Then each required leaf of each section is named (the sections with lists name the list)
        assertThat(result.errors()).extracting(FieldError::field).contains("framing.target", "framing.action",
                "framing.costOfError", "task.type", "task.entityKey", "task.featureSet.name",
                "task.featureSet.version", "task.label.source", "task.label.maxDelay", "metrics.primary.name",
                "metrics.guardrails.overall", "metrics.guardrails.perSlice.minSliceSize",
                "metrics.businessMetric.costMatrix.truePositive", "serving.latencyBudgetMs", "serving.freshness",
                "economics.dailyVolume", "owners.monitor", "promotionPolicy.checks",
                "promotionPolicy.requireApproval", "promotionPolicy.rollout", "retrainingPolicy.cooldown",
                "alertRules");
        assertThat(result.errors()).hasSizeGreaterThan(35);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = ';', value = {
        "framing.target;'fraud';at least four words",
        "framing.action;'Hold it. Then call the customer.';one sentence",
        "task.type;'multi-class';must be one of binary-classification|regression",
        "metrics.primary.direction;'up';must be one of higher|lower",
        "serving.mode;'streaming';must be one of online|batch",
        "serving.latencyBudgetMs;0;must be > 0",
        "serving.decisionThreshold;1.5;must be > 0 and <= 1",
        "serving.freshness;'soon';not a duration",
        "economics.dailyVolume;-5;must be between 1",
        "alertRules[0].severity;'email';must be one of page|ticket",
        "alertRules[0].action;'ignore';must be one of page|retrain|rollback",
        "promotionPolicy.checks[1];'vibes';must be one of primary-metric|guardrails|calibration|latency|economics",
        "retrainingPolicy.signals[0];'whim';must be one of drift|degraded|new-data|schedule|manual",
        "promotionPolicy.rollout[1].trafficPercent;100;must be below 100",
        "training.hyperparameters.learningRate;1.0;must be < 1",
        "training.hyperparameters.validationFraction;0.5;must be < 0.5",
        "training.hyperparameters.maxEpochs;0;must be between 1",
        "training.hyperparameters.hiddenLayers;'32,16';must be a list of up to 8 widths",
        "training.hyperparameters.hiddenLayers;[32, 0];must be a list of up to 8 widths",
        "metrics.guardrails.fairness.maxGaps.falsePositiveRate;1.5;must be >= 0 and <= 1",
        "metrics.guardrails.fairness.maxGaps.positiveRate;-0.1;must be >= 0",
        "metrics.guardrails.fairness.maxGaps.mae;2;must be one of positiveRate, truePositiveRate, falsePositiveRate",
        "metrics.guardrails.fairness.maxGaps;{};must cap at least one of",
        "metrics.guardrails.fairness.minSliceSize;0;must be between 1"})
    void invalidValuesAreNamedWithWhatIsAllowed(String field, String yamlValue, String message) {
        // Given the card-fraud spec with one value replaced
        ObjectNode spec = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        set(spec, field, yaml("v: " + yamlValue).get("v"));

        // When validated, Then the error names the field and says what is allowed
        List<FieldError> errors = SpecValidator.validate(spec, "card-fraud").errors();
        assertThat(errors).extracting(FieldError::field).contains(field);
        assertThat(errors.stream().filter(e -> e.field().equals(field)).findFirst().orElseThrow().message())
                .contains(message);
    }

    @Test
    void policyAndTaskMustAgree() {
        // Given a regression spec with a decision threshold, a calibration check, and both lift modes
        ObjectNode eta = (ObjectNode) yaml(Fixtures.specYaml("delivery-eta.yaml"));
        ((ObjectNode) eta.get("serving")).put("decisionThreshold", 0.5);
        ((ArrayNode) eta.get("promotionPolicy").get("checks")).add("calibration");
        ((ObjectNode) eta.get("promotionPolicy")).put("minLift", 0.1);
        ((ObjectNode) eta.get("promotionPolicy")).put("maxCalibrationError", 0.05);

        // When validated, Then each disagreement is named
        assertThat(SpecValidator.validate(eta, "delivery-eta").errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("serving.decisionThreshold", "promotionPolicy.checks",
                        "promotionPolicy.nonInferiorityMargin");
    }

    @Test
    void rolloutMustEndWithTheChampionAndCanariesMustGrow() {
        // Given rollouts that stop at canary, and canaries that shrink
        ObjectNode noChampion = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        ((ObjectNode) noChampion.get("promotionPolicy")).set("rollout", yaml("- alias: shadow\n- alias: canary\n"
                + "  trafficPercent: 10\n"));
        ObjectNode shrinking = (ObjectNode) yaml(Fixtures.specYaml("delivery-eta.yaml"));
        ((ObjectNode) shrinking.get("promotionPolicy")).set("rollout", yaml("- alias: canary\n  trafficPercent: 25\n"
                + "- alias: canary\n  trafficPercent: 5\n- alias: champion\n"));

        // Then both are refused on the rollout
        assertThat(SpecValidator.validate(noChampion, "card-fraud").errors()).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("promotionPolicy.rollout"))
                .satisfies(e -> assertThat(e.message()).contains("end with the one champion step"));
        assertThat(SpecValidator.validate(shrinking, "delivery-eta").errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("increase their traffic share"));
    }

    @Test
    void unknownFieldsAndAMismatchedNameAreRefused() {
        // Given a typo in a policy field and a name that is not the URL's
        ObjectNode spec = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        ((ObjectNode) spec.get("promotionPolicy")).set("minLft", spec.get("promotionPolicy").get("minLift"));

        // When validated under another name, Then both are named
        assertThat(SpecValidator.validate(spec, "card-fraud-2").errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("name", "promotionPolicy.minLft");
    }

    @Test
    void trainingHyperparametersAreTypedAndTyposAreRefused() {
        // Given the shipped spec, and a copy with a misspelt hyperparameter
        ObjectNode spec = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        UseCaseSpec shipped = SpecValidator.validate(spec, "card-fraud").spec();
        ((ObjectNode) spec.get("training").get("hyperparameters")).put("learnRate", 0.1);

        // Then the shipped values are kept as the training-service reads them, and the typo is named
        assertThat(shipped.training().hyperparameters()).isEqualTo(new UseCaseSpec.Hyperparameters(List.of(32, 16), 30,
                64, 0.005, 0.0001, 4, null, 42L));
        assertThat(SpecValidator.validate(spec, "card-fraud").errors()).extracting(FieldError::field)
                .containsExactly("training.hyperparameters.learnRate");
    }

    @Test
    void theTrainingSectionIsOptional() {
        // Given the spec without a training section
        ObjectNode spec = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        spec.remove("training");

        // Then it is valid and has no training settings (the training-service's defaults apply)
        SpecValidator.Result result = SpecValidator.validate(spec, "card-fraud");
        assertThat(result.errors()).isEmpty();
        assertThat(result.spec().training()).isNull();
    }

    @Test
    void protectedAttributesMustBeCheckedPerSlice() {
        // Given a protected attribute the per-slice guardrails do not cover
        ObjectNode spec = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        spec.set("protectedAttributes", yaml("[age_band]"));

        // Then it is refused
        assertThat(SpecValidator.validate(spec, "card-fraud").errors()).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("protectedAttributes"))
                .satisfies(e -> assertThat(e.message()).contains("age_band"));
    }

    @Test
    void fairnessCapsGapsOfTheProtectedAttributes() {
        // Given the shipped specs: card-fraud caps three rate gaps at its own minSliceSize, delivery-eta the mae gap
        UseCaseSpec card = SpecValidator.validate(yaml(Fixtures.specYaml("card-fraud.yaml")), "card-fraud").spec();
        UseCaseSpec eta = SpecValidator.validate(yaml(Fixtures.specYaml("delivery-eta.yaml")), "delivery-eta").spec();

        // Then the caps are read, and the eta's minSliceSize falls back to the per-slice guardrails' 300
        assertThat(card.protectedAttributes()).containsExactly("region", "device");
        assertThat(card.metrics().guardrails().fairness().maxGaps()).containsEntry("positiveRate", 0.05)
                .containsEntry("truePositiveRate", 0.10).containsEntry("falsePositiveRate", 0.03);
        assertThat(card.fairnessMinSliceSize()).isEqualTo(1000);
        assertThat(eta.metrics().guardrails().fairness().maxGaps()).containsOnlyKeys("mae");
        assertThat(eta.fairnessMinSliceSize()).isEqualTo(300);
        assertThat(eta.fairnessMetrics()).containsExactly("mae");

        // And caps without protected attributes, or a rate gap for a regression, are refused naming the field
        ObjectNode unprotected = (ObjectNode) yaml(Fixtures.specYaml("card-fraud.yaml"));
        unprotected.remove("protectedAttributes");
        assertThat(SpecValidator.validate(unprotected, "card-fraud").errors()).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("metrics.guardrails.fairness"))
                .satisfies(e -> assertThat(e.message()).contains("protectedAttributes"));
        ObjectNode rateForEta = (ObjectNode) yaml(Fixtures.specYaml("delivery-eta.yaml"));
        set(rateForEta, "metrics.guardrails.fairness.maxGaps.positiveRate", yaml("0.1"));
        assertThat(SpecValidator.validate(rateForEta, "delivery-eta").errors()).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("metrics.guardrails.fairness.maxGaps.positiveRate"))
                .satisfies(e -> assertThat(e.message()).contains("must be one of mae for regression"));
    }

    @Test
    void theCanonicalFormIgnoresLayoutAndEquivalentDurations() {
        // Given the same spec written as YAML and as JSON with keys reordered and 60d written as 1440h
        JsonNode yaml = yaml(Fixtures.specYaml("card-fraud.yaml"));
        ObjectNode json = (ObjectNode) RegistryJson.parseDocument(yaml.toString(), false);
        ObjectNode framing = (ObjectNode) json.remove("framing");
        json.set("framing", framing);
        ((ObjectNode) json.get("task").get("label")).put("maxDelay", "1440h");

        // When both are validated and made canonical
        String a = RegistryJson.canonical(SpecValidator.validate(yaml, "card-fraud").spec());
        String b = RegistryJson.canonical(SpecValidator.validate(json, "card-fraud").spec());

        // Then they are the same bytes, hence the same sha256 (an idempotent re-registration)
        assertThat(a).isEqualTo(b).contains("\"maxDelay\":\"60d\"");
        assertThat(RegistryJson.read(a, UseCaseSpec.class)).isEqualTo(SpecValidator.validate(yaml, "card-fraud")
                .spec());
    }

    static JsonNode yaml(String text) {
        return RegistryJson.parseDocument(text, true);
    }

    private static void remove(ObjectNode root, String path) {
        int dot = path.lastIndexOf('.');
        JsonNode parent = dot < 0 ? root : navigate(root, path.substring(0, dot));
        ((ObjectNode) parent).remove(dot < 0 ? path : path.substring(dot + 1));
    }

    private static void set(ObjectNode root, String path, JsonNode value) {
        int dot = path.lastIndexOf('.');
        JsonNode parent = dot < 0 ? root : navigate(root, path.substring(0, dot));
        String last = dot < 0 ? path : path.substring(dot + 1);
        if (last.endsWith("]")) {
            String name = last.substring(0, last.indexOf('['));
            int index = Integer.parseInt(last.substring(last.indexOf('[') + 1, last.length() - 1));
            ((ArrayNode) parent.get(name)).set(index, value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    private static JsonNode navigate(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (part.endsWith("]")) {
                node = node.get(part.substring(0, part.indexOf('[')))
                        .get(Integer.parseInt(part.substring(part.indexOf('[') + 1, part.length() - 1)));
            } else {
                node = node.get(part);
            }
        }
        return node;
    }
}
