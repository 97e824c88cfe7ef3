package dev.brigade.model;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Scores rows with a model artifact: imputation of missing inputs, z-score normalisation, then the dense forward
 * pass. Pure Java with no allocation per row, so one prediction costs a few microseconds and every station
 * (training's evaluation, the registry's latency gate, serving) computes the same score from the same bytes.
 *
 * <p>A {@code Scorer} is immutable and thread-safe. Each {@link Session} owns the preallocated buffers and is for
 * one thread at a time; {@link #score(double[])} uses one session per thread.
 */
public final class Scorer {

    /** DL4J's default LeakyReLU slope; training exports LEAKYRELU layers only with this slope. */
    public static final double LEAKY_RELU_ALPHA = 0.01;

    private final ModelTask task;
    private final List<String> featureNames;
    private final double[] imputation;
    private final double[] mean;
    private final double[] std;
    private final int[] inputs;
    private final int[] outputs;
    private final double[][] weights;
    private final double[][] biases;
    private final Activation[] activations;
    private final double outputMean;
    private final double outputStd;
    private final Double decisionThreshold;
    private final int maxWidth;
    private final ThreadLocal<Session> sessions = ThreadLocal.withInitial(this::newSession);

    private Scorer(ModelArtifact artifact) {
        ModelArtifactCodec.validate(artifact);
        this.task = artifact.getTaskType();
        this.featureNames = List.copyOf(artifact.getFeatureNames());
        this.imputation = toArray(artifact.getImputation());
        this.mean = toArray(artifact.getNormalisation().getMean());
        this.std = toArray(artifact.getNormalisation().getStd());
        List<Dense> layers = artifact.getLayers();
        int count = layers.size();
        this.inputs = new int[count];
        this.outputs = new int[count];
        this.weights = new double[count][];
        this.biases = new double[count][];
        this.activations = new Activation[count];
        int widest = featureNames.size();
        for (int k = 0; k < count; k++) {
            Dense layer = layers.get(k);
            inputs[k] = layer.getInputs();
            outputs[k] = layer.getOutputs();
            weights[k] = toArray(layer.getWeights());
            biases[k] = toArray(layer.getBiases());
            activations[k] = layer.getActivation();
            widest = Math.max(widest, layer.getOutputs());
        }
        this.maxWidth = widest;
        OutputScale scale = artifact.getOutputScale();
        this.outputMean = scale == null ? 0.0 : scale.getMean();
        this.outputStd = scale == null ? 1.0 : scale.getStd();
        this.decisionThreshold = artifact.getDecisionThreshold();
    }

    /** Decodes and validates artifact bytes; see {@link ModelArtifactCodec#decode(byte[])} for the failures. */
    public static Scorer load(byte[] artifactBytes) {
        return new Scorer(ModelArtifactCodec.decode(artifactBytes));
    }

    /** @throws ModelArtifactException if the artifact is inconsistent */
    public static Scorer of(ModelArtifact artifact) {
        return new Scorer(artifact);
    }

    public ModelTask task() {
        return task;
    }

    /** Inputs in contract order: row[i] is featureNames().get(i). */
    public List<String> featureNames() {
        return featureNames;
    }

    public int inputCount() {
        return featureNames.size();
    }

    /** The value a missing input i is replaced with. */
    public double imputation(int i) {
        return imputation[i];
    }

    public OptionalDouble decisionThreshold() {
        return decisionThreshold == null ? OptionalDouble.empty() : OptionalDouble.of(decisionThreshold);
    }

    /** Binary classification: positive when score >= threshold. */
    public boolean decide(double score) {
        if (decisionThreshold == null) {
            throw new IllegalStateException("a " + task + " model makes no yes/no decision");
        }
        return score >= decisionThreshold;
    }

    /** Scores one row on this thread's session. A NaN or infinite input counts as missing and is imputed. */
    public double score(double[] row) {
        return sessions.get().score(row);
    }

    /** A thread-confined scorer with its own buffers. */
    public Session newSession() {
        return new Session();
    }

    /**
     * A row in contract order from named values: numbers as doubles, booleans as 1/0, absent or null as NaN
     * (missing, imputed when scored).
     *
     * @throws IllegalArgumentException for a value of another type
     */
    public double[] toRow(Map<String, ?> values) {
        double[] row = new double[featureNames.size()];
        for (int i = 0; i < row.length; i++) {
            String name = featureNames.get(i);
            Object value = values.get(name);
            if (value == null) {
                row[i] = Double.NaN;
            } else if (value instanceof Number number) {
                row[i] = number.doubleValue();
            } else if (value instanceof Boolean bool) {
                row[i] = bool ? 1.0 : 0.0;
            } else {
                throw new IllegalArgumentException(name + " must be a number or a boolean, is a "
                        + value.getClass().getSimpleName());
            }
        }
        return row;
    }

    static double activate(Activation activation, double z) {
        return switch (activation) {
            case IDENTITY -> z;
            case RELU -> z > 0 ? z : 0.0;
            case LEAKYRELU -> z > 0 ? z : LEAKY_RELU_ALPHA * z;
            case TANH -> Math.tanh(z);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-z));
        };
    }

    private static double[] toArray(List<Double> values) {
        double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    /** Preallocated buffers for one thread; scoring allocates nothing. */
    public final class Session {

        private final double[] left = new double[maxWidth];
        private final double[] right = new double[maxWidth];
        private final boolean[] imputed = new boolean[featureNames.size()];
        private int imputedCount;

        private Session() {
        }

        /**
         * @param row inputs in contract order; NaN or infinite means missing
         * @return the probability of the positive class (classification) or the predicted value (regression)
         */
        public double score(double[] row) {
            int n = imputation.length;
            if (row.length != n) {
                throw new IllegalArgumentException("the model takes " + n + " inputs, the row has " + row.length);
            }
            double[] in = left;
            double[] out = right;
            imputedCount = 0;
            for (int i = 0; i < n; i++) {
                double x = row[i];
                boolean missing = !Double.isFinite(x);
                imputed[i] = missing;
                if (missing) {
                    x = imputation[i];
                    imputedCount++;
                }
                in[i] = (x - mean[i]) / std[i];
            }
            for (int k = 0; k < weights.length; k++) {
                int inCount = inputs[k];
                int outCount = outputs[k];
                double[] w = weights[k];
                System.arraycopy(biases[k], 0, out, 0, outCount);
                for (int i = 0; i < inCount; i++) {
                    double x = in[i];
                    int base = i * outCount;
                    for (int o = 0; o < outCount; o++) {
                        out[o] += x * w[base + o];
                    }
                }
                Activation activation = activations[k];
                for (int o = 0; o < outCount; o++) {
                    out[o] = activate(activation, out[o]);
                }
                double[] swap = in;
                in = out;
                out = swap;
            }
            return in[0] * outputStd + outputMean;
        }

        /** Whether input i was missing in the last scored row (and so imputed). */
        public boolean imputed(int i) {
            return imputed[i];
        }

        /** How many inputs of the last scored row were imputed. */
        public int imputedCount() {
            return imputedCount;
        }
    }
}
