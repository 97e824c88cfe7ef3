package dev.brigade.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The drift statistics against values computed by hand (and checked with Python's math module). */
class DriftStatisticsTest {

    private static final long[] LIVE = {30, 70};
    private static final double[] HALF = {0.5, 0.5};

    @Test
    void psiOfAKnownShift() {
        // (0.3 - 0.5) ln(0.3 / 0.5) + (0.7 - 0.5) ln(0.7 / 0.5)
        assertThat(DriftStatistics.psi(LIVE, HALF)).isCloseTo(0.16945957, within(1e-8));
        assertThat(DriftStatistics.psi(new long[] {50, 50}, HALF)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void psiFloorsAnEmptyBin() {
        // live [0, 1] against [0.5, 0.5]: (1e-4 - 0.5) ln(1e-4 / 0.5) + (1 - 0.5) ln(1 / 0.5)
        double expected = (1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2);
        assertThat(DriftStatistics.psi(new long[] {0, 10}, HALF)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void ksDistanceAndPValue() {
        assertThat(DriftStatistics.ksDistance(LIVE, HALF)).isCloseTo(0.2, within(1e-12));
        // one-sample (reference as exact): lambda = (10 + 0.12 + 0.011) * 0.2 = 2.0262, Q_KS = 5.4331e-4
        assertThat(DriftStatistics.ksPValue(0.2, 100, 0)).isCloseTo(5.433126e-4, within(1e-9));
        // two-sample with a reference of 400 rows: effective n = 80
        assertThat(DriftStatistics.ksPValue(0.2, 100, 400)).isCloseTo(2.7460739e-3, within(1e-9));
        assertThat(DriftStatistics.ksPValue(0.0, 100, 400)).isEqualTo(1.0);
    }

    @Test
    void chiSquareAndItsPValue() {
        double[] chi = DriftStatistics.chiSquare(LIVE, HALF);
        // expected 50 and 50: 20^2 / 50 * 2 = 16 with one degree of freedom; P = erfc(sqrt(8)) = 6.3342e-5
        assertThat(chi[0]).isCloseTo(16.0, within(1e-12));
        assertThat(chi[1]).isEqualTo(1.0);
        assertThat(DriftStatistics.chiSquarePValue(16.0, 1)).isCloseTo(6.3342484e-5, within(1e-11));
        // textbook critical values at 5%
        assertThat(DriftStatistics.chiSquarePValue(5.991465, 2)).isCloseTo(0.05, within(1e-6));
        assertThat(DriftStatistics.chiSquarePValue(18.307038, 10)).isCloseTo(0.05, within(1e-6));
        assertThat(DriftStatistics.cramersV(16.0, 100, 1)).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void aCategoryUnseenInTrainingIsALargeStatisticNotADivisionByZero() {
        double[] chi = DriftStatistics.chiSquare(new long[] {50, 45, 5}, new double[] {0.5, 0.5, 0.0});
        assertThat(chi[0]).isGreaterThan(1000).isFinite();
        assertThat(chi[1]).isEqualTo(2.0);
    }

    @Test
    void holmAdjustsStepDownAndStaysMonotone() {
        assertThat(DriftStatistics.holm(new double[] {0.01, 0.04, 0.03}))
                .containsExactly(new double[] {0.03, 0.06, 0.06}, within(1e-12));
        assertThat(DriftStatistics.holm(new double[] {0.5, 0.9})).containsExactly(1.0, 1.0);
    }

    @Test
    void aucFromScoreBins() {
        assertThat(WindowStatistics.auc(new long[] {0, 0, 1, 1}, new long[] {1, 1, 0, 0})).isEqualTo(1.0);
        assertThat(WindowStatistics.auc(new long[] {1, 1}, new long[] {1, 1})).isEqualTo(0.5);
        // pos in bins 1 and 3, neg in bins 0 and 2: pairs won 1 + 2, of 4 -> 0.75
        assertThat(WindowStatistics.auc(new long[] {0, 1, 0, 1}, new long[] {1, 0, 1, 0})).isEqualTo(0.75);
        assertThat(WindowStatistics.auc(new long[] {0, 1}, new long[] {0, 0})).isNull();
    }

    @Test
    void logHistogramQuantilesAreWithinOnePercent() {
        LogHistogram h = new LogHistogram();
        for (int v = 1; v <= 10_000; v++) {
            h.add(v);
        }
        assertThat(h.quantile(0.5)).isCloseTo(5000, within(50.0));
        assertThat(h.quantile(0.99)).isCloseTo(9900, within(99.0));
        assertThat(h.quantile(1.0)).isEqualTo(10_000);
        LogHistogram other = new LogHistogram();
        other.add(20_000);
        h.merge(other);
        assertThat(h.count()).isEqualTo(10_001);
        assertThat(h.max()).isEqualTo(20_000);
    }
}
