package dev.brigade.training;

import java.util.List;
import java.util.Random;

/** Small, seeded data sets with a known signal, sized for a 2-core machine. */
public final class SyntheticData {

    public static final List<InputFeature> INPUTS = List.of(
            new InputFeature("amount", InputType.DOUBLE),
            new InputFeature("txn_count_1h", InputType.LONG),
            new InputFeature("online", InputType.BOOLEAN),
            new InputFeature("ratio", InputType.DOUBLE));

    /** Rows and labels; NaN marks a missing input. */
    public record Rows(double[][] x, double[] y) {

        public Rows slice(int from, int to) {
            double[][] xs = new double[to - from][];
            double[] ys = new double[to - from];
            System.arraycopy(x, from, xs, 0, to - from);
            System.arraycopy(y, from, ys, 0, to - from);
            return new Rows(xs, ys);
        }
    }

    private SyntheticData() {
    }

    /** Fraud-like rows: the positive rate rises with amount, count and online; about 5% of inputs missing. */
    public static Rows classification(int n, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int r = 0; r < n; r++) {
            double amount = Math.exp(random.nextGaussian() + 3);
            double count = random.nextInt(6);
            double online = random.nextBoolean() ? 1 : 0;
            double ratio = random.nextGaussian();
            double logit = -1.0 + 0.02 * (amount - 30) + 0.5 * (count - 2.5) + 1.0 * online + 0.3 * ratio;
            y[r] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            x[r] = new double[] {amount, count, online, ratio};
            if (random.nextDouble() < 0.05) {
                x[r][random.nextInt(4)] = Double.NaN;
            }
        }
        return new Rows(x, y);
    }

    /** ETA-like rows: minutes grow with distance and load, with noise. */
    public static Rows regression(int n, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int r = 0; r < n; r++) {
            double distance = 0.5 + random.nextDouble() * 8;
            double load = random.nextInt(5);
            double rush = random.nextBoolean() ? 1 : 0;
            double noise = random.nextGaussian();
            y[r] = 10 + 4 * distance + 3 * load + 6 * rush + 2 * noise;
            x[r] = new double[] {distance, load, rush, random.nextGaussian()};
            if (random.nextDouble() < 0.05) {
                x[r][random.nextInt(4)] = Double.NaN;
            }
        }
        return new Rows(x, y);
    }
}
