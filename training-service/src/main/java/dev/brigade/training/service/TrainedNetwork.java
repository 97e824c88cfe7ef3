package dev.brigade.training.service;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import dev.brigade.model.ModelTask;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.InputFeature;
import dev.brigade.training.Preprocessing;

/**
 * A DL4J network with the preparation it was trained with: the best epoch's weights, the input preparation of the
 * training rows, and for regression the target scale. {@link #predict(double[][])} is DL4J's own answer, which the
 * exported artifact must reproduce.
 *
 * @param targetMean regression: the training target's mean (0 for classification)
 * @param targetStd regression: the training target's std (1 for classification)
 * @param epochs every epoch that ran, in order
 * @param bestEpoch the epoch whose weights were kept (1-based)
 * @param stoppedEarly whether the validation loss stopped improving before maxEpochs
 */
public record TrainedNetwork(ModelTask task, List<InputFeature> inputs, Preprocessing preprocessing,
        MultiLayerNetwork network, double targetMean, double targetStd, List<EpochProgress> epochs, int bestEpoch,
        boolean stoppedEarly) {

    /** DL4J's scores for raw rows (NaN = missing): probabilities, or predictions in the target's units. */
    public double[] predict(double[][] rawRows) {
        double[][] prepared = new double[rawRows.length][preprocessing.inputCount()];
        for (int r = 0; r < rawRows.length; r++) {
            preprocessing.apply(rawRows[r], prepared[r]);
        }
        INDArray out = network.output(Nd4j.create(prepared), false);
        double[] scores = new double[rawRows.length];
        for (int r = 0; r < scores.length; r++) {
            scores[r] = out.getDouble(r, 0) * targetStd + targetMean;
        }
        return scores;
    }

    /** Weights and biases in the network, as the report's latency section counts them. */
    public long parameterCount() {
        return network.numParams();
    }
}
