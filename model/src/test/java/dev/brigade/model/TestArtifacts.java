package dev.brigade.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small artifacts whose forward pass is worked out by hand in the tests. */
public final class TestArtifacts {

    private TestArtifacts() {
    }

    /**
     * Inputs a, b; imputation (1, 0); mean (1, 2); std (2, 0.5). Hidden layer 2 -> 2 RELU with W = [[0.5, -1.0],
     * [0.25, 2.0]] (rows are inputs) and b = (0.1, -0.5); output 2 -> 1 SIGMOID with W = [[1.0], [-2.0]], b = 0.2.
     */
    static ModelArtifact classifier() {
        return ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(ModelTask.BINARY_CLASSIFICATION)
                .setFeatureNames(List.of("a", "b"))
                .setImputation(List.of(1.0, 0.0))
                .setNormalisation(new Normalisation(List.of(1.0, 2.0), List.of(2.0, 0.5)))
                .setLayers(List.of(
                        new Dense(2, 2, List.of(0.5, -1.0, 0.25, 2.0), List.of(0.1, -0.5), Activation.RELU),
                        new Dense(2, 1, List.of(1.0, -2.0), List.of(0.2), Activation.SIGMOID)))
                .setOutputScale(null)
                .setDecisionThreshold(0.5)
                .build();
    }

    /**
     * Input x; imputation 4; mean 2; std 2. Hidden 1 -> 2 TANH with W = [[0.5, -1.0]], b = 0; output 2 -> 1
     * IDENTITY with W = [[2.0], [1.0]], b = 0.5; target scaled back with mean 30, std 10.
     */
    static ModelArtifact regressor() {
        return ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(ModelTask.REGRESSION)
                .setFeatureNames(List.of("x"))
                .setImputation(List.of(4.0))
                .setNormalisation(new Normalisation(List.of(2.0), List.of(2.0)))
                .setLayers(List.of(
                        new Dense(1, 2, List.of(0.5, -1.0), List.of(0.0, 0.0), Activation.TANH),
                        new Dense(2, 1, List.of(2.0, 1.0), List.of(0.5), Activation.IDENTITY)))
                .setOutputScale(new OutputScale(30.0, 10.0))
                .setDecisionThreshold(null)
                .build();
    }

    /** A network of the size training produces for the shipped use cases: inputs -> 32 -> 16 -> 1. */
    static ModelArtifact typical(int inputs, long seed) {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>();
        List<Double> zeros = new ArrayList<>();
        List<Double> ones = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            names.add("f" + i);
            zeros.add(0.0);
            ones.add(1.0);
        }
        return ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(ModelTask.BINARY_CLASSIFICATION)
                .setFeatureNames(names)
                .setImputation(zeros)
                .setNormalisation(new Normalisation(zeros, ones))
                .setLayers(List.of(dense(random, inputs, 32, Activation.RELU), dense(random, 32, 16, Activation.TANH),
                        dense(random, 16, 1, Activation.SIGMOID)))
                .setDecisionThreshold(0.5)
                .build();
    }

    /** A dense layer with small random weights: reproducible for a seeded {@code random}. */
    public static Dense dense(Random random, int in, int out, Activation activation) {
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < in * out; i++) {
            weights.add(random.nextGaussian() * 0.3);
        }
        List<Double> biases = new ArrayList<>();
        for (int o = 0; o < out; o++) {
            biases.add(random.nextGaussian() * 0.1);
        }
        return new Dense(in, out, weights, biases, activation);
    }
}
