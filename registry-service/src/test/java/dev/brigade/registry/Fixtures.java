package dev.brigade.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.model.Activation;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;
import dev.brigade.model.OutputScale;
import dev.brigade.model.TestArtifacts;

/**
 * Test data: the shipped use-case specs, small model artifacts over the shipped feature sets' inputs (contract
 * order = feature-set order), and model-version metadata that agrees with them.
 */
public final class Fixtures {

    /** card-activity v1, in feature-set order, with the imputation a training split could have produced. */
    public static final List<Object[]> CARD_INPUTS = List.of(
            new Object[] {"amount", "DOUBLE", 42.0},
            new Object[] {"online", "BOOLEAN", false},
            new Object[] {"txn_count_10m", "LONG", 0L},
            new Object[] {"txn_count_1h", "LONG", 1L},
            new Object[] {"amount_sum_24h", "DOUBLE", 96.0},
            new Object[] {"amount_max_24h", "DOUBLE", 60.0},
            new Object[] {"amount_mean_7d", "DOUBLE", 38.5},
            new Object[] {"amount_to_mean_7d", "DOUBLE", 1.0},
            new Object[] {"merchant_distinct_24h", "LONG", 2L},
            new Object[] {"secs_since_last_txn", "DOUBLE", 21600.0});

    /** courier-load v1. */
    public static final List<Object[]> COURIER_INPUTS = List.of(
            new Object[] {"distance_km", "DOUBLE", 3.0},
            new Object[] {"items", "LONG", 2L},
            new Object[] {"orders_10m", "LONG", 0L},
            new Object[] {"orders_1h", "LONG", 2L},
            new Object[] {"distance_sum_1h", "DOUBLE", 5.5},
            new Object[] {"distance_mean_24h", "DOUBLE", 3.2},
            new Object[] {"distance_to_mean_24h", "DOUBLE", 1.0},
            new Object[] {"last_distance_km", "DOUBLE", 2.9},
            new Object[] {"min_distance_24h", "DOUBLE", 0.8},
            new Object[] {"secs_since_last_order", "DOUBLE", 1800.0});

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A shipped spec file, read from the repository's use-cases/ directory. */
    public static String specYaml(String file) {
        try {
            return Files.readString(Path.of("..", "use-cases", file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shipped spec under another name (each test uses fresh use cases on the shared broker), with the rollout
     * left to the test's own moves: autoAdvance is switched off (RolloutDriverTest switches it on).
     */
    public static String specYaml(String file, String name) {
        return specYaml(file).replaceFirst("(?m)^name: .*$", "name: " + name)
                .replaceFirst("(?m)^  autoAdvance: true$", "  autoAdvance: false");
    }

    /** The shipped spec under another name, walking its rollout by itself with every bake shortened to one second. */
    public static String autoAdvancingSpecYaml(String file, String name) {
        return specYaml(file).replaceFirst("(?m)^name: .*$", "name: " + name)
                .replaceAll("(?m)^(\\s+bake: ).*$", "$1" + "1s");
    }

    public static byte[] cardArtifact(long seed) {
        return artifact(ModelTask.BINARY_CLASSIFICATION, CARD_INPUTS, seed, 16);
    }

    public static byte[] courierArtifact(long seed) {
        return artifact(ModelTask.REGRESSION, COURIER_INPUTS, seed, 16);
    }

    public static byte[] artifact(ModelTask task, List<Object[]> inputs, long seed, int hidden) {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>();
        List<Double> imputation = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (Object[] input : inputs) {
            names.add((String) input[0]);
            imputation.add(numeric(input[2]));
            std.add(1.0 + Math.abs(numeric(input[2])) / 2);
        }
        int n = inputs.size();
        return ModelArtifactCodec.encode(ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(task)
                .setFeatureNames(names)
                .setImputation(imputation)
                .setNormalisation(new Normalisation(imputation, std))
                .setLayers(List.of(TestArtifacts.dense(random, n, hidden, Activation.RELU),
                        TestArtifacts.dense(random, hidden, 1,
                                task == ModelTask.BINARY_CLASSIFICATION ? Activation.SIGMOID : Activation.IDENTITY)))
                .setOutputScale(task == ModelTask.REGRESSION ? new OutputScale(30.0, 8.0) : null)
                .setDecisionThreshold(task == ModelTask.BINARY_CLASSIFICATION ? 0.5 : null)
                .build());
    }

    private static double numeric(Object value) {
        return value instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) value).doubleValue();
    }

    /** Metadata of a card-fraud version; the comparison is omitted when championVersion is null. */
    public static Metadata card() {
        return new Metadata(true);
    }

    public static Metadata courier() {
        return new Metadata(false);
    }

    /** Model-version metadata JSON, good by default, with knobs for the gate's inputs. */
    public static final class Metadata {

        private final boolean classification;
        private Integer championVersion;
        private double delta;
        private double ciLow;
        private double ciHigh;
        private double ece = 0.03;
        private double businessCandidate;
        private Double businessChampion;
        private String featureSet;
        private double fairnessGap = 0.005;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        Metadata(boolean classification) {
            this.classification = classification;
            this.featureSet = classification ? "card-activity" : "courier-load";
            this.businessCandidate = classification ? 0.42 : 1.10;
        }

        /** Compared with a champion: delta = candidate - champion of the primary metric, with its CI. */
        public Metadata comparedWith(int version, double delta, double ciLow, double ciHigh) {
            this.championVersion = version;
            this.delta = delta;
            this.ciLow = ciLow;
            this.ciHigh = ciHigh;
            return this;
        }

        public Metadata ece(double value) {
            this.ece = value;
            return this;
        }

        public Metadata business(double candidate, Double champion) {
            this.businessCandidate = candidate;
            this.businessChampion = champion;
            return this;
        }

        /**
         * The gap of the fairness section's capped metric between two large slices: falsePositiveRate across devices
         * (card-fraud caps it at 0.03 over slices of 1000) or mae across zones (delivery-eta: 2.5); 0.005 by default.
         */
        public Metadata fairnessGap(double gap) {
            this.fairnessGap = gap;
            return this;
        }

        public Metadata featureSet(String name) {
            this.featureSet = name;
            return this;
        }

        public Metadata with(String field, Object value) {
            extra.put(field, value);
            return this;
        }

        public Map<String, Object> map() {
            List<Object[]> inputs = classification ? CARD_INPUTS : COURIER_INPUTS;
            Map<String, Object> contract = new LinkedHashMap<>();
            List<Map<String, Object>> contractInputs = new ArrayList<>();
            Map<String, Object> features = new LinkedHashMap<>();
            for (Object[] input : inputs) {
                contractInputs.add(Map.of("name", input[0], "type", input[1], "imputation", input[2]));
                features.put((String) input[0], profile((String) input[1], input[2]));
            }
            contract.put("inputs", contractInputs);
            contract.put("output", classification ? "fraud_probability" : "eta_minutes");
            contract.put("latencyBudgetMs", classification ? 20 : 40);
            if (classification) {
                contract.put("decisionThreshold", 0.5);
            }
            contract.put("owner", classification ? "fraud-ml-team" : "eta-ml-team");

            Map<String, Object> lineage = new LinkedHashMap<>();
            lineage.put("trainingRunId", "run-" + Long.toHexString(Double.doubleToLongBits(delta + ciLow)));
            lineage.put("codeVersion", "git:4f2c1ab");
            lineage.put("featureSet", featureSet);
            lineage.put("featureSetVersion", 1);
            lineage.put("datasetRanges", List.of(Map.of("topic", "training-examples", "partition", 0,
                    "fromOffset", 0, "toOffset", 40000)));
            lineage.put("hyperparameters", Map.of("epochs", 20, "learningRate", "0.01", "hidden", 16));
            lineage.put("seed", 42);

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("holdout", Map.of("description", "last 20% by event time", "n", 8000));
            String primary = classification ? "auc" : "mae";
            report.put("overall", Map.of("n", 8000, "metrics", classification
                    ? Map.of("auc", 0.91, "recall", 0.72, "precision", 0.31, "logLoss", 0.21)
                    : Map.of("mae", 6.2, "p90AbsoluteError", 14.0, "rmse", 8.1)));
            report.put("slices", classification
                    ? List.of(slice("region", "eu", 5200, Map.of("recall", 0.74)),
                            slice("region", "apac", 150, Map.of("recall", 0.40)),
                            slice("device", "mobile", 4100, Map.of("recall", 0.70)),
                            slice("device", "web", 3900, Map.of("recall", 0.73)))
                    : List.of(slice("zone", "north", 4000, Map.of("mae", 6.0)),
                            slice("zone", "south", 4000, Map.of("mae", 6.4))));
            if (classification) {
                report.put("calibration", Map.of("ece", ece, "bins", List.of(
                        Map.of("lower", 0.0, "upper", 0.5, "count", 7000, "meanPredicted", 0.05, "observedRate", 0.04),
                        Map.of("lower", 0.5, "upper", 1.0, "count", 1000, "meanPredicted", 0.7,
                                "observedRate", 0.68))));
            }
            Map<String, Object> business = new LinkedHashMap<>();
            business.put("name", classification ? "expected-cost-per-transaction" : "expected-cost-per-delivery");
            business.put("candidate", businessCandidate);
            if (businessChampion != null) {
                business.put("champion", businessChampion);
            }
            report.put("businessMetric", business);
            if (championVersion != null) {
                double champion = classification ? 0.90 : 6.1;
                Map<String, Object> comparison = new LinkedHashMap<>();
                comparison.put("championVersion", championVersion);
                comparison.put("metric", primary);
                comparison.put("candidate", champion + delta);
                comparison.put("champion", champion);
                comparison.put("delta", delta);
                comparison.put("ciLow", ciLow);
                comparison.put("ciHigh", ciHigh);
                comparison.put("n", 8000);
                comparison.put("confidence", 0.95);
                comparison.put("resamples", 1000);
                report.put("championComparison", comparison);
            }
            report.put("latency", Map.of("meanMicros", 3.0, "p99Micros", 9.0, "parameters", 193));
            report.put("fairness", classification
                    ? Map.of("minSliceSize", 500, "attributes", List.of(
                            Map.of("attribute", "region", "slices", List.of(
                                    rates("eu", 5200, 208, 0.05, 0.72, 0.02),
                                    rates("apac", 150, 6, 0.06, 0.5, 0.04)), "gaps", List.of()),
                            Map.of("attribute", "device", "slices", List.of(
                                    rates("mobile", 4100, 164, 0.05, 0.70, 0.02),
                                    rates("web", 3900, 156, 0.05, 0.73, 0.02 + fairnessGap)), "gaps", List.of())))
                    : Map.of("minSliceSize", 300, "attributes", List.of(
                            Map.of("attribute", "zone", "slices", List.of(
                                    Map.of("value", "north", "n", 4000, "metrics", Map.of("mae", 6.0)),
                                    Map.of("value", "south", "n", 4000, "metrics", Map.of("mae", 6.0 + fairnessGap))),
                                    "gaps", List.of()))));

            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("contract", contract);
            metadata.put("lineage", lineage);
            metadata.put("evaluationReport", report);
            metadata.put("referenceProfile", Map.of("n", 40000, "features", features));
            metadata.put("reason", "weekly retrain");
            metadata.putAll(extra);
            return metadata;
        }

        public String json() {
            try {
                return JSON.writeValueAsString(map());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Map<String, Object> rates(String value, long n, long positives, double positiveRate,
                double truePositiveRate, double falsePositiveRate) {
            return Map.of("value", value, "n", n, "positives", positives, "negatives", n - positives, "metrics",
                    Map.of("positiveRate", positiveRate, "truePositiveRate", truePositiveRate,
                            "falsePositiveRate", falsePositiveRate));
        }

        private static Map<String, Object> slice(String slice, String value, long n, Map<String, Double> metrics) {
            return Map.of("slice", slice, "value", value, "n", n, "metrics", metrics);
        }

        private static Map<String, Object> profile(String type, Object imputation) {
            if (type.equals("BOOLEAN")) {
                return Map.of("type", type, "categories", List.of("false", "true"), "frequencies", List.of(0.6, 0.4),
                        "missingRate", 0.0);
            }
            double centre = numeric(imputation);
            return Map.of("type", type, "edges", List.of(centre - 10, centre, centre + 10, centre + 100),
                    "frequencies", List.of(0.3, 0.5, 0.2), "mean", centre, "std", 1.0 + centre / 2,
                    "missingRate", 0.01);
        }
    }
}
