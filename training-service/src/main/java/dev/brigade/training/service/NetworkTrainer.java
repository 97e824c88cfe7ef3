package dev.brigade.training.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import dev.brigade.model.ModelTask;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.Hyperparameters;
import dev.brigade.training.InputFeature;
import dev.brigade.training.Preprocessing;

/**
 * Trains a dense DL4J network: RELU hidden layers, a SIGMOID output with cross-entropy for binary classification
 * or an IDENTITY output with mean squared error on the standardised target for regression. Adam, Xavier
 * initialisation, the given seed for the weights and for the mini-batch order, and double precision throughout, so
 * the same rows and parameters give the same network and the exported artifact scores within 1e-6 of DL4J.
 *
 * <p>Early stopping: after each epoch the loss on the validation rows is measured; training stops after
 * {@code patience} epochs without improvement and keeps the weights of the best epoch.
 */
@ApplicationScoped
public class NetworkTrainer {

    /**
     * @param trainRows raw rows (NaN = missing), oldest first; preparation is fitted on these only
     * @param trainLabels 0/1 for classification, the target for regression
     * @param validationRows the early-stopping rows (newer than the training rows)
     * @param progress called after every epoch, on this thread
     * @throws TrainingFailedException when the data cannot be trained on or the loss diverges
     */
    public TrainedNetwork train(ModelTask task, List<InputFeature> inputs, double[][] trainRows, double[] trainLabels,
            double[][] validationRows, double[] validationLabels, Hyperparameters params,
            Consumer<EpochProgress> progress) {
        checkLabels(task, "training", trainLabels);
        checkLabels(task, "validation", validationLabels);
        if (trainRows.length == 0 || validationRows.length == 0) {
            throw new TrainingFailedException("training needs at least one training and one validation row, has "
                    + trainRows.length + " and " + validationRows.length);
        }
        Preprocessing preprocessing = Preprocessing.fit(inputs, trainRows);
        double targetMean = 0;
        double targetStd = 1;
        if (task == ModelTask.REGRESSION) {
            targetMean = mean(trainLabels);
            double s = std(trainLabels, targetMean);
            targetStd = s > 1e-12 ? s : 1.0;
        }
        double[][] x = prepare(preprocessing, trainRows);
        double[] y = scale(trainLabels, targetMean, targetStd);
        INDArray validationX = Nd4j.create(prepare(preprocessing, validationRows));
        double[] validationY = scale(validationLabels, targetMean, targetStd);

        MultiLayerNetwork network = new MultiLayerNetwork(configuration(task, inputs.size(), params));
        network.init();

        Random order = new Random(params.seed());
        int[] permutation = IntStream.range(0, x.length).toArray();
        List<EpochProgress> epochs = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        INDArray bestParams = network.params().dup();
        int bestEpoch = 0;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        for (int epoch = 1; epoch <= params.maxEpochs(); epoch++) {
            shuffle(permutation, order);
            double lossSum = 0;
            int batches = 0;
            for (int start = 0; start < permutation.length; start += params.batchSize()) {
                int end = Math.min(start + params.batchSize(), permutation.length);
                double[][] bx = new double[end - start][];
                double[][] by = new double[end - start][1];
                for (int r = start; r < end; r++) {
                    bx[r - start] = x[permutation[r]];
                    by[r - start][0] = y[permutation[r]];
                }
                network.fit(new DataSet(Nd4j.create(bx), Nd4j.create(by)));
                lossSum += network.score();
                batches++;
            }
            double trainLoss = lossSum / batches;
            double validationLoss = loss(task, network.output(validationX, false), validationY);
            if (!Double.isFinite(trainLoss) || !Double.isFinite(validationLoss)) {
                throw new TrainingFailedException("the loss diverged in epoch " + epoch + " (training " + trainLoss
                        + ", validation " + validationLoss + "): lower the learning rate");
            }
            EpochProgress done = new EpochProgress(epoch, params.maxEpochs(), trainLoss, validationLoss);
            epochs.add(done);
            progress.accept(done);
            if (validationLoss < bestLoss) {
                bestLoss = validationLoss;
                bestParams = network.params().dup();
                bestEpoch = epoch;
                sinceBest = 0;
            } else if (++sinceBest >= params.patience()) {
                stoppedEarly = epoch < params.maxEpochs();
                break;
            }
        }
        network.setParams(bestParams);
        return new TrainedNetwork(task, List.copyOf(inputs), preprocessing, network, targetMean, targetStd,
                List.copyOf(epochs), bestEpoch, stoppedEarly);
    }

    static MultiLayerConfiguration configuration(ModelTask task, int inputs,
            Hyperparameters params) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(params.seed())
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(params.learningRate()))
                .l2(params.l2())
                .list();
        int width = inputs;
        for (int hidden : params.hiddenLayers()) {
            layers.layer(new DenseLayer.Builder().nIn(width).nOut(hidden).activation(Activation.RELU).build());
            width = hidden;
        }
        boolean classifier = task == ModelTask.BINARY_CLASSIFICATION;
        layers.layer(new OutputLayer.Builder(classifier ? LossFunction.XENT : LossFunction.MSE)
                .nIn(width).nOut(1)
                .activation(classifier ? Activation.SIGMOID : Activation.IDENTITY)
                .build());
        return layers.build();
    }

    /** Validation loss without the weight penalty: mean log loss, or mean squared error on the scaled target. */
    private static double loss(ModelTask task, INDArray output, double[] labels) {
        double sum = 0;
        for (int r = 0; r < labels.length; r++) {
            double p = output.getDouble(r, 0);
            if (task == ModelTask.BINARY_CLASSIFICATION) {
                double q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
                sum -= labels[r] * Math.log(q) + (1 - labels[r]) * Math.log(1 - q);
            } else {
                double d = p - labels[r];
                sum += d * d;
            }
        }
        return sum / labels.length;
    }

    private static void checkLabels(ModelTask task, String split, double[] labels) {
        for (int i = 0; i < labels.length; i++) {
            double label = labels[i];
            if (!Double.isFinite(label)) {
                throw new TrainingFailedException("the " + split + " rows hold a label that is not a number ("
                        + label + ")");
            }
            if (task == ModelTask.BINARY_CLASSIFICATION && label != 0.0 && label != 1.0) {
                throw new TrainingFailedException("binary classification needs labels 0 or 1, the " + split
                        + " rows hold " + label);
            }
        }
    }

    private static double[][] prepare(Preprocessing preprocessing, double[][] rows) {
        double[][] out = new double[rows.length][preprocessing.inputCount()];
        for (int r = 0; r < rows.length; r++) {
            preprocessing.apply(rows[r], out[r]);
        }
        return out;
    }

    private static double[] scale(double[] values, double mean, double std) {
        return Arrays.stream(values).map(v -> (v - mean) / std).toArray();
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double std(double[] values, double mean) {
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / values.length);
    }

    /** Fisher-Yates with the run's own generator, so the batch order is part of what the seed fixes. */
    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
