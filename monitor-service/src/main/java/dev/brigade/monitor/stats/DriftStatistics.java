package dev.brigade.monitor.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The drift statistics of one feature in one window, all from counts: live bin counts against the reference
 * profile's bin frequencies. Pure functions, no allocation beyond results; hand-checked in DriftStatisticsTest.
 */
public final class DriftStatistics {

    /** Floor for a share in PSI, so an empty bin on either side gives a large but finite term. */
    public static final double PSI_FLOOR = 1e-4;

    private DriftStatistics() {
    }

    /** Population stability index: sum over bins of (live - ref) * ln(live / ref), both shares floored. */
    public static double psi(long[] liveCounts, double[] referenceShares) {
        long n = sum(liveCounts);
        if (n == 0) {
            return 0.0;
        }
        double psi = 0.0;
        for (int i = 0; i < liveCounts.length; i++) {
            double live = Math.max((double) liveCounts[i] / n, PSI_FLOOR);
            double ref = Math.max(referenceShares[i], PSI_FLOOR);
            psi += (live - ref) * Math.log(live / ref);
        }
        return psi;
    }

    /**
     * Kolmogorov-Smirnov distance between the live and the reference CDF, evaluated at the reference's bin edges
     * (the only points where the binned reference CDF is known exactly). Binning makes it a lower bound of the
     * unbinned distance, so the test is conservative.
     */
    public static double ksDistance(long[] liveCounts, double[] referenceShares) {
        long n = sum(liveCounts);
        if (n == 0) {
            return 0.0;
        }
        double refTotal = Arrays.stream(referenceShares).sum();
        double liveCdf = 0;
        double refCdf = 0;
        double d = 0;
        for (int i = 0; i < liveCounts.length; i++) {
            liveCdf += (double) liveCounts[i] / n;
            refCdf += refTotal > 0 ? referenceShares[i] / refTotal : 0;
            d = Math.max(d, Math.abs(liveCdf - refCdf));
        }
        return d;
    }

    /**
     * Two-sample KS p-value from the asymptotic Kolmogorov distribution with the effective sample size
     * n * m / (n + m) and Stephens' small-sample correction (Numerical Recipes, probks). A reference without a
     * size (m <= 0) is taken as the exact distribution: the one-sample test with n.
     */
    public static double ksPValue(double d, long n, long m) {
        if (n <= 0 || d <= 0) {
            return 1.0;
        }
        double ne = m > 0 ? (double) n * m / (n + m) : n;
        double sqrt = Math.sqrt(ne);
        return kolmogorovQ((sqrt + 0.12 + 0.11 / sqrt) * d);
    }

    /** Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2). */
    static double kolmogorovQ(double lambda) {
        if (lambda < 1e-3) {
            return 1.0;
        }
        double a2 = -2.0 * lambda * lambda;
        double fac = 2.0;
        double sum = 0.0;
        double termPrev = 0.0;
        for (int j = 1; j <= 100; j++) {
            double term = fac * Math.exp(a2 * j * j);
            sum += term;
            if (Math.abs(term) <= 1e-10 * termPrev || Math.abs(term) <= 1e-16 * sum) {
                return clamp01(sum);
            }
            fac = -fac;
            termPrev = Math.abs(term);
        }
        return 1.0;
    }

    /**
     * Pearson's chi-square goodness of fit of live counts against the reference shares. Categories with a
     * reference share of zero (e.g. "other", unseen in training) get the PSI floor as expected share, so a new
     * category shows up as a large statistic instead of a division by zero.
     *
     * @return {statistic, degrees of freedom}
     */
    public static double[] chiSquare(long[] liveCounts, double[] referenceShares) {
        long n = sum(liveCounts);
        if (n == 0) {
            return new double[] {0.0, 0.0};
        }
        double refTotal = Arrays.stream(referenceShares).sum();
        double stat = 0.0;
        int cells = 0;
        for (int i = 0; i < liveCounts.length; i++) {
            double share = refTotal > 0 ? referenceShares[i] / refTotal : 0;
            if (share <= 0 && liveCounts[i] == 0) {
                continue; // a cell empty on both sides carries no information and no degree of freedom
            }
            double expected = n * Math.max(share, PSI_FLOOR);
            double diff = liveCounts[i] - expected;
            stat += diff * diff / expected;
            cells++;
        }
        return new double[] {stat, Math.max(cells - 1, 1)};
    }

    /** Cramér's V of a goodness-of-fit test: sqrt(chi2 / (n (k - 1))), the test's size-free effect. */
    public static double cramersV(double chiSquare, long n, double degreesOfFreedom) {
        return n <= 0 ? 0.0 : Math.sqrt(chiSquare / (n * Math.max(degreesOfFreedom, 1)));
    }

    /** Upper tail of the chi-square distribution: Q(df / 2, x / 2). */
    public static double chiSquarePValue(double statistic, double degreesOfFreedom) {
        if (statistic <= 0) {
            return 1.0;
        }
        return clamp01(Gamma.regularizedQ(degreesOfFreedom / 2.0, statistic / 2.0));
    }

    /**
     * Holm-Bonferroni step-down adjustment: adjusted p-values controlling the family-wise error rate across the
     * features of one window (monotone, capped at 1).
     */
    public static double[] holm(double[] pValues) {
        int m = pValues.length;
        Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
        double[] adjusted = new double[m];
        double running = 0.0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    static long sum(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    private static double clamp01(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }

    /** Regularized incomplete gamma functions (Numerical Recipes 6.2: series and continued fraction). */
    static final class Gamma {

        private Gamma() {
        }

        static double regularizedQ(double a, double x) {
            if (x < 0 || a <= 0) {
                return 1.0;
            }
            if (x < a + 1.0) {
                return 1.0 - series(a, x);
            }
            return continuedFraction(a, x);
        }

        private static double series(double a, double x) {
            double ap = a;
            double sum = 1.0 / a;
            double del = sum;
            for (int n = 0; n < 10_000; n++) {
                ap += 1;
                del *= x / ap;
                sum += del;
                if (Math.abs(del) < Math.abs(sum) * 1e-15) {
                    break;
                }
            }
            return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
        }

        private static double continuedFraction(double a, double x) {
            double tiny = 1e-300;
            double b = x + 1.0 - a;
            double c = 1.0 / tiny;
            double d = 1.0 / b;
            double h = d;
            for (int i = 1; i < 10_000; i++) {
                double an = -i * (i - a);
                b += 2.0;
                d = an * d + b;
                if (Math.abs(d) < tiny) {
                    d = tiny;
                }
                c = b + an / c;
                if (Math.abs(c) < tiny) {
                    c = tiny;
                }
                d = 1.0 / d;
                double del = d * c;
                h *= del;
                if (Math.abs(del - 1.0) < 1e-15) {
                    break;
                }
            }
            return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
        }

        /** Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for a > 0. */
        static double logGamma(double x) {
            double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                    1.5056327351493116e-7};
            if (x < 0.5) {
                return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
            }
            x -= 1;
            double a = c[0];
            double t = x + 7.5;
            for (int i = 1; i < 9; i++) {
                a += c[i] / (x + i);
            }
            return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
        }
    }
}
