package dev.brigade.training.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

import dev.brigade.model.Activation;
import dev.brigade.model.Dense;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Normalisation;
import dev.brigade.model.OutputScale;
import dev.brigade.model.Scorer;
import dev.brigade.training.InputFeature;
import dev.brigade.training.Preprocessing;
import dev.brigade.training.service.TrainedNetwork;

/**
 * Turns a trained DL4J network into the platform's model artifact (docs/model-artifacts.md): the preparation as
 * fitted, and each dense layer's W ([inputs x outputs], written row-major so weights[i * outputs + o] is W(i, o))
 * and b. Values are read element by element, so the export does not depend on DL4J's storage order.
 */
public final class ArtifactMapper {

    private ArtifactMapper() {
    }

    /**
     * @param decisionThreshold binary classification: the spec's threshold; ignored for regression
     * @throws IllegalArgumentException for a layer or activation the artifact format cannot express
     */
    public static ModelArtifact toArtifact(TrainedNetwork trained, double decisionThreshold) {
        MultiLayerNetwork network = trained.network();
        Preprocessing prep = trained.preprocessing();
        List<Dense> layers = new ArrayList<>();
        for (int k = 0; k < network.getnLayers(); k++) {
            if (!(network.getLayer(k).conf().getLayer() instanceof BaseLayer layerConf)) {
                throw new IllegalArgumentException("layer " + k + " is not a dense layer");
            }
            INDArray w = network.getLayer(k).getParam("W");
            INDArray b = network.getLayer(k).getParam("b");
            int inputs = (int) w.size(0);
            int outputs = (int) w.size(1);
            List<Double> weights = new ArrayList<>(inputs * outputs);
            for (int i = 0; i < inputs; i++) {
                for (int o = 0; o < outputs; o++) {
                    weights.add(w.getDouble(i, o));
                }
            }
            List<Double> biases = new ArrayList<>(outputs);
            for (int o = 0; o < outputs; o++) {
                biases.add(b.getDouble(o));
            }
            layers.add(new Dense(inputs, outputs, weights, biases, activation(k, layerConf.getActivationFn())));
        }
        boolean classifier = trained.task() == ModelTask.BINARY_CLASSIFICATION;
        ModelArtifact artifact = ModelArtifact.newBuilder()
                .setFormatVersion(ModelArtifactCodec.FORMAT_VERSION)
                .setTaskType(trained.task())
                .setFeatureNames(trained.inputs().stream().map(InputFeature::name).toList())
                .setImputation(list(prep.imputation()))
                .setNormalisation(new Normalisation(list(prep.mean()), list(prep.std())))
                .setLayers(layers)
                .setOutputScale(classifier ? null : new OutputScale(trained.targetMean(), trained.targetStd()))
                .setDecisionThreshold(classifier ? decisionThreshold : null)
                .build();
        ModelArtifactCodec.validate(artifact);
        return artifact;
    }

    private static Activation activation(int layer, IActivation fn) {
        if (fn instanceof ActivationIdentity) {
            return Activation.IDENTITY;
        }
        if (fn instanceof ActivationReLU relu) {
            // DL4J leaves the optional parameters of a plain ReLU null.
            if (relu.getMax() != null || !zeroOrAbsent(relu.getThreshold())
                    || !zeroOrAbsent(relu.getNegativeSlope())) {
                throw new IllegalArgumentException("layer " + layer + ": only a plain RELU can be exported");
            }
            return Activation.RELU;
        }
        if (fn instanceof ActivationTanH) {
            return Activation.TANH;
        }
        if (fn instanceof ActivationSigmoid) {
            return Activation.SIGMOID;
        }
        if (fn instanceof ActivationLReLU leaky) {
            if (leaky.getAlpha() != Scorer.LEAKY_RELU_ALPHA) {
                throw new IllegalArgumentException("layer " + layer + ": LeakyReLU must use slope "
                        + Scorer.LEAKY_RELU_ALPHA + ", uses " + leaky.getAlpha());
            }
            return Activation.LEAKYRELU;
        }
        throw new IllegalArgumentException("layer " + layer + ": activation " + fn + " has no artifact encoding");
    }

    private static boolean zeroOrAbsent(Double value) {
        return value == null || value == 0.0;
    }

    private static List<Double> list(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
