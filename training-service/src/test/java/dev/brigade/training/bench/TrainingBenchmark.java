package dev.brigade.training.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.Evaluation;
import dev.brigade.training.EvaluationSettings;
import dev.brigade.training.Example;
import dev.brigade.training.Fairness;
import dev.brigade.training.Hyperparameters;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;
import dev.brigade.training.mapping.ArtifactMapper;
import dev.brigade.training.service.Evaluator;
import dev.brigade.training.service.NetworkTrainer;
import dev.brigade.training.service.TrainedNetwork;

/**
 * Trains the default network on n synthetic examples of f features (80% training split, of which 15% validation;
 * 20% holdout), exports and evaluates it, and prints the time of each step and training examples per second
 * (training rows x epochs run / training seconds). Run with bench/run.sh.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int f = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        List<InputFeature> inputs = new ArrayList<>();
        for (int i = 0; i < f; i++) {
            inputs.add(new InputFeature("f" + i, InputType.DOUBLE));
        }
        Random random = new Random(1);
        double[] w = new double[f];
        for (int i = 0; i < f; i++) {
            w[i] = random.nextGaussian() / Math.sqrt(f);
        }
        List<Example> rows = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            double[] x = new double[f];
            double z = -1;
            for (int i = 0; i < f; i++) {
                x[i] = random.nextGaussian();
                z += w[i] * x[i] * 2;
            }
            double label = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
            rows.add(new Example("e" + r, Instant.EPOCH.plusSeconds(r), x, Map.of(), label));
        }
        int holdoutFrom = (int) (n * 0.8);
        int validationFrom = (int) (holdoutFrom * 0.85);
        Hyperparameters params = Hyperparameters.defaults().withOverrides(Map.of("maxEpochs",
                Integer.toString(epochs), "patience", Integer.toString(epochs)));

        long t0 = System.nanoTime();
        TrainedNetwork trained = new NetworkTrainer().train(ModelTask.BINARY_CLASSIFICATION, inputs,
                features(rows.subList(0, validationFrom)), labels(rows.subList(0, validationFrom)),
                features(rows.subList(validationFrom, holdoutFrom)), labels(rows.subList(validationFrom, holdoutFrom)),
                params, e -> System.out.printf("  epoch %d: train loss %.4f, validation loss %.4f%n", e.epoch(),
                        e.trainLoss(), e.validationLoss()));
        long t1 = System.nanoTime();
        byte[] artifact = ModelArtifactCodec.encode(ArtifactMapper.toArtifact(trained, 0.5));
        Evaluation evaluation = new Evaluator(EvaluationSettings.defaults()).evaluate(ModelTask.BINARY_CLASSIFICATION,
                inputs, rows.subList(holdoutFrom, n), Scorer.load(artifact), Optional.empty(), "auc", List.of(),
                new CostMatrix.Classification("cost", Cost.of(5), Cost.of(5), Cost.of(100), Cost.of(0)),
                Fairness.Settings.none());
        long t2 = System.nanoTime();

        double trainSeconds = (t1 - t0) / 1e9;
        int epochsRun = trained.epochs().size();
        System.out.printf("examples %d x %d features, network %s, %d epochs run (best %d)%n", n, f,
                params.hiddenLayers(), epochsRun, trained.bestEpoch());
        System.out.printf("training: %.1f s, %.0f examples/s (training rows x epochs / s)%n", trainSeconds,
                (double) validationFrom * epochsRun / trainSeconds);
        System.out.printf("export + evaluation of %d holdout rows: %.2f s; holdout auc %.4f%n", n - holdoutFrom,
                (t2 - t1) / 1e9, evaluation.overall().get("auc"));
    }

    private static double[][] features(List<Example> rows) {
        return rows.stream().map(Example::features).toArray(double[][]::new);
    }

    private static double[] labels(List<Example> rows) {
        return rows.stream().mapToDouble(Example::label).toArray();
    }
}
