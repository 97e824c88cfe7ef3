package dev.brigade.training;

import java.util.List;

/**
 * Input preparation fitted on the training rows only, exactly as {@code dev.brigade.model.Scorer} applies it:
 * a missing value (NaN or infinite) is replaced by {@code imputation[i]}, then z-scored with {@code mean[i]} and
 * {@code std[i]}. Fitting on the training rows alone keeps holdout information out of the model.
 */
public record Preprocessing(double[] imputation, double[] mean, double[] std) {

    /**
     * Numeric inputs are imputed with the mean of their present values, booleans with their mode (ties: 0);
     * mean and std are those of the imputed column, and a constant column gets std 1 (the artifact needs std > 0).
     * An input with no present value at all is imputed with 0.
     */
    public static Preprocessing fit(List<InputFeature> inputs, double[][] rows) {
        int n = inputs.size();
        double[] imputation = new double[n];
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            long present = 0;
            for (double[] row : rows) {
                if (Double.isFinite(row[i])) {
                    sum += row[i];
                    present++;
                }
            }
            double fill;
            if (present == 0) {
                fill = 0.0;
            } else if (inputs.get(i).type() == InputType.BOOLEAN) {
                fill = sum * 2 > present ? 1.0 : 0.0;
            } else {
                fill = sum / present;
            }
            imputation[i] = fill;
            double m = 0;
            for (double[] row : rows) {
                m += value(row[i], fill);
            }
            m = rows.length == 0 ? 0 : m / rows.length;
            double squares = 0;
            for (double[] row : rows) {
                double d = value(row[i], fill) - m;
                squares += d * d;
            }
            double s = rows.length == 0 ? 0 : Math.sqrt(squares / rows.length);
            mean[i] = m;
            std[i] = s > 1e-12 && Double.isFinite(s) ? s : 1.0;
        }
        return new Preprocessing(imputation, mean, std);
    }

    public int inputCount() {
        return mean.length;
    }

    /** The prepared row the network sees, written into {@code out}. */
    public void apply(double[] row, double[] out) {
        for (int i = 0; i < mean.length; i++) {
            out[i] = (value(row[i], imputation[i]) - mean[i]) / std[i];
        }
    }

    private static double value(double x, double fill) {
        return Double.isFinite(x) ? x : fill;
    }
}
