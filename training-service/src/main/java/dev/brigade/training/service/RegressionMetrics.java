package dev.brigade.training.service;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Regression metrics of predictions against actual values; undefined ones are left out, as for classification. */
public final class RegressionMetrics {

    private RegressionMetrics() {
    }

    /** mae, rmse, r2 (omitted when the actual values are constant) and p90AbsoluteError. */
    public static Map<String, Double> all(double[] predicted, double[] actual) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (predicted.length == 0) {
            return out;
        }
        out.put("mae", mae(predicted, actual));
        out.put("rmse", rmse(predicted, actual));
        double r2 = r2(predicted, actual);
        if (Double.isFinite(r2)) {
            out.put("r2", r2);
        }
        out.put("p90AbsoluteError", absoluteErrorQuantile(predicted, actual, 0.9));
        return out;
    }

    public static double mae(double[] predicted, double[] actual) {
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            sum += Math.abs(predicted[i] - actual[i]);
        }
        return sum / predicted.length;
    }

    public static double rmse(double[] predicted, double[] actual) {
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            double d = predicted[i] - actual[i];
            sum += d * d;
        }
        return Math.sqrt(sum / predicted.length);
    }

    /** 1 - residual sum of squares / total sum of squares around the actual mean; NaN for constant actuals. */
    public static double r2(double[] predicted, double[] actual) {
        double mean = 0;
        for (double a : actual) {
            mean += a;
        }
        mean /= actual.length;
        double residual = 0;
        double total = 0;
        for (int i = 0; i < actual.length; i++) {
            residual += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            total += (actual[i] - mean) * (actual[i] - mean);
        }
        return total == 0 ? Double.NaN : 1 - residual / total;
    }

    /** The q-quantile of the absolute errors by nearest rank: the smallest error at least q of the rows reach. */
    public static double absoluteErrorQuantile(double[] predicted, double[] actual, double q) {
        double[] errors = new double[predicted.length];
        for (int i = 0; i < errors.length; i++) {
            errors[i] = Math.abs(predicted[i] - actual[i]);
        }
        Arrays.sort(errors);
        int rank = (int) Math.ceil(q * errors.length);
        return errors[Math.max(rank, 1) - 1];
    }
}
