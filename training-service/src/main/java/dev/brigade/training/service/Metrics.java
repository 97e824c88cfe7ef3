package dev.brigade.training.service;

import java.util.Map;
import java.util.function.ToDoubleBiFunction;

import dev.brigade.model.ModelTask;

/** Every metric by the name a spec uses, as one function of (scores, labels). */
public final class Metrics {

    private Metrics() {
    }

    /**
     * @throws TrainingFailedException for a name this service does not compute for the task
     */
    public static ToDoubleBiFunction<double[], double[]> named(String name, ModelTask task, double threshold) {
        if (task == ModelTask.BINARY_CLASSIFICATION) {
            return switch (name) {
                case "auc" -> ClassificationMetrics::auc;
                case "logLoss" -> ClassificationMetrics::logLoss;
                case "accuracy" -> (s, l) -> ClassificationMetrics.confusion(s, l, threshold).accuracy();
                case "precision" -> (s, l) -> ClassificationMetrics.confusion(s, l, threshold).precision();
                case "recall" -> (s, l) -> ClassificationMetrics.confusion(s, l, threshold).recall();
                default -> throw unknown(name, task);
            };
        }
        return switch (name) {
            case "mae" -> RegressionMetrics::mae;
            case "rmse" -> RegressionMetrics::rmse;
            case "r2" -> RegressionMetrics::r2;
            case "p90AbsoluteError" -> (p, a) -> RegressionMetrics.absoluteErrorQuantile(p, a, 0.9);
            default -> throw unknown(name, task);
        };
    }

    /** Every metric of the task that is defined on the rows. */
    public static Map<String, Double> all(ModelTask task, double[] scores, double[] labels, double threshold) {
        return task == ModelTask.BINARY_CLASSIFICATION
                ? ClassificationMetrics.all(scores, labels, threshold)
                : RegressionMetrics.all(scores, labels);
    }

    private static TrainingFailedException unknown(String name, ModelTask task) {
        return new TrainingFailedException("metric " + name + " is not computed for " + task
                + " (classification: auc, logLoss, accuracy, precision, recall; regression: mae, rmse, r2, "
                + "p90AbsoluteError)");
    }
}
