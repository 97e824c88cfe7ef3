package dev.brigade.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import dev.brigade.model.Dense;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;
import dev.brigade.model.OutputScale;

/**
 * DL4J networks as training builds them (double precision, dense layers, XENT/sigmoid or MSE/identity output),
 * trained briefly on random data, and exported to the platform's artifact the way training's ArtifactMapper does:
 * each layer's W read element by element as [inputs x outputs] row-major, and b.
 */
public final class Dl4jNetworks {

    /** A trained network and the preparation its inputs get before DL4J sees them. */
    public record Trained(MultiLayerNetwork network, ModelTask task, double[] imputation, double[] mean,
            double[] std, double targetMean, double targetStd) {

        /** What DL4J computes for one raw row: impute, normalise, output(), scale back. */
        public double dl4jScore(double[] raw) {
            INDArray row = Nd4j.create(DataType.DOUBLE, 1, raw.length);
            for (int i = 0; i < raw.length; i++) {
                double x = Double.isFinite(raw[i]) ? raw[i] : imputation[i];
                row.putScalar(0, i, (x - mean[i]) / std[i]);
            }
            double out = network.output(row).getDouble(0, 0);
            return task == ModelTask.REGRESSION ? out * targetStd + targetMean : out;
        }
    }

    private Dl4jNetworks() {
    }

    public static Trained train(ModelTask task, int inputs, int[] hidden, Activation[] activations, long seed) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).updater(new Adam(0.01)).list();
        int width = inputs;
        for (int k = 0; k < hidden.length; k++) {
            layers.layer(new DenseLayer.Builder().nIn(width).nOut(hidden[k]).activation(activations[k]).build());
            width = hidden[k];
        }
        boolean classifier = task == ModelTask.BINARY_CLASSIFICATION;
        layers.layer(new OutputLayer.Builder(classifier ? LossFunction.XENT : LossFunction.MSE).nIn(width).nOut(1)
                .activation(classifier ? Activation.SIGMOID : Activation.IDENTITY).build());
        MultiLayerConfiguration conf = layers.build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        Random random = new Random(seed);
        INDArray features = Nd4j.create(DataType.DOUBLE, 256, inputs);
        INDArray labels = Nd4j.create(DataType.DOUBLE, 256, 1);
        for (int r = 0; r < 256; r++) {
            double sum = 0;
            for (int i = 0; i < inputs; i++) {
                double x = random.nextGaussian();
                features.putScalar(r, i, x);
                sum += x * (i % 3 - 1);
            }
            labels.putScalar(r, 0, classifier ? (sum > 0 ? 1 : 0) : sum);
        }
        for (int epoch = 0; epoch < 20; epoch++) {
            network.fit(features, labels);
        }
        double[] imputation = new double[inputs];
        double[] mean = new double[inputs];
        double[] std = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            imputation[i] = random.nextGaussian() * 10;
            mean[i] = random.nextGaussian() * 10;
            std[i] = 0.5 + random.nextDouble() * 20;
        }
        return new Trained(network, task, imputation, mean, std, classifier ? 0 : 30, classifier ? 1 : 10);
    }

    /** The artifact of a trained network, exported as training-service's ArtifactMapper does. */
    public static ModelArtifact export(Trained trained, dev.brigade.model.Activation[] activations) {
        MultiLayerNetwork network = trained.network();
        List<Dense> layers = new ArrayList<>();
        for (int k = 0; k < network.getnLayers(); k++) {
            INDArray w = network.getLayer(k).getParam("W");
            INDArray b = network.getLayer(k).getParam("b");
            int in = (int) w.size(0);
            int out = (int) w.size(1);
            List<Double> weights = new ArrayList<>(in * out);
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    weights.add(w.getDouble(i, o));
                }
            }
            List<Double> biases = new ArrayList<>();
            for (int o = 0; o < out; o++) {
                biases.add(b.getDouble(o));
            }
            layers.add(new Dense(in, out, weights, biases, activations[k]));
        }
        boolean classifier = trained.task() == ModelTask.BINARY_CLASSIFICATION;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < trained.mean().length; i++) {
            names.add("x" + i);
        }
        return ModelArtifact.newBuilder().setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(trained.task()).setFeatureNames(names).setImputation(list(trained.imputation()))
                .setNormalisation(new Normalisation(list(trained.mean()), list(trained.std()))).setLayers(layers)
                .setOutputScale(classifier ? null : new OutputScale(trained.targetMean(), trained.targetStd()))
                .setDecisionThreshold(classifier ? 0.5 : null).build();
    }

    private static List<Double> list(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
