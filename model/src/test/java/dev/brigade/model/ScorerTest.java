package dev.brigade.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ScorerTest {

    @Test
    void forwardPassEqualsTheHandComputedValue() {
        // Given the hand-worked classifier (see TestArtifacts.classifier)
        Scorer scorer = Scorer.of(TestArtifacts.classifier());

        // When the row (a=3, b=2.5) is scored
        // normalised: ((3-1)/2, (2.5-2)/0.5) = (1, 1)
        // hidden: relu(0.1 + 0.5 + 0.25) = 0.85, relu(-0.5 - 1.0 + 2.0) = 0.5
        // output: sigmoid(0.2 + 0.85 * 1.0 + 0.5 * -2.0) = sigmoid(0.05)
        double score = scorer.score(new double[] {3.0, 2.5});

        // Then it is sigmoid(0.05), and the threshold 0.5 decides positive
        assertThat(score).isCloseTo(0.5124973964842103, within(1e-15));
        assertThat(scorer.decide(score)).isTrue();
    }

    @Test
    void reluCutsNegativeHiddenUnits() {
        // Given the hand-worked classifier
        Scorer scorer = Scorer.of(TestArtifacts.classifier());

        // When (a=-1, b=2) is scored: normalised (-1, 0); hidden relu(-0.4) = 0, relu(0.5) = 0.5;
        // output sigmoid(0.2 + 0 - 1.0) = sigmoid(-0.8)
        double score = scorer.score(new double[] {-1.0, 2.0});

        // Then
        assertThat(score).isCloseTo(0.31002551887238755, within(1e-15));
        assertThat(scorer.decide(score)).isFalse();
    }

    @Test
    void missingAndNonFiniteInputsAreImputedWithTheTrainingValue() {
        // Given the classifier, whose imputation for a is 1.0 (normalises to 0)
        Scorer scorer = Scorer.of(TestArtifacts.classifier());
        Scorer.Session session = scorer.newSession();

        // When a is NaN, then infinite, then given explicitly as its imputation value
        double nan = session.score(new double[] {Double.NaN, 2.5});
        boolean aImputed = session.imputed(0);
        boolean bImputed = session.imputed(1);
        int count = session.imputedCount();
        double infinite = session.score(new double[] {Double.POSITIVE_INFINITY, 2.5});
        double explicit = session.score(new double[] {1.0, 2.5});

        // Then: normalised (0, 1); hidden relu(0.1 + 0.25) = 0.35, relu(-0.5 + 2.0) = 1.5;
        // output sigmoid(0.2 + 0.35 - 3.0) = sigmoid(-2.45)
        assertThat(nan).isCloseTo(0.07943854918397836, within(1e-15));
        assertThat(infinite).isEqualTo(nan);
        assertThat(explicit).isEqualTo(nan);
        assertThat(aImputed).isTrue();
        assertThat(bImputed).isFalse();
        assertThat(count).isEqualTo(1);
        assertThat(session.imputedCount()).isZero();
    }

    @Test
    void namedValuesBecomeARowInContractOrder() {
        // Given the classifier and values by name, one of them absent and booleans allowed
        Scorer scorer = Scorer.of(TestArtifacts.classifier());
        Map<String, Object> values = new HashMap<>();
        values.put("b", true);

        // When turned into a row
        double[] row = scorer.toRow(values);

        // Then a is missing (NaN) and b is 1.0; a string is refused naming the field
        assertThat(row[0]).isNaN();
        assertThat(row[1]).isEqualTo(1.0);
        assertThatThrownBy(() -> scorer.toRow(Map.of("a", "three")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a must be a number");
    }

    @Test
    void regressionScalesTheOutputBack() {
        // Given the hand-worked regressor
        Scorer scorer = Scorer.of(TestArtifacts.regressor());

        // When x = 4 is scored: normalised 1; hidden tanh(0.5), tanh(-1.0);
        // output 0.5 + 2 tanh(0.5) + tanh(-1.0) = 0.6626401585642547; scaled 0.66264... * 10 + 30
        double score = scorer.score(new double[] {4.0});
        double imputed = scorer.score(new double[] {Double.NaN});

        // Then, and a missing x is imputed with 4 as well
        assertThat(score).isCloseTo(36.62640158564255, within(1e-12));
        assertThat(imputed).isEqualTo(score);
        assertThat(scorer.decisionThreshold()).isEmpty();
        assertThatThrownBy(() -> scorer.decide(score)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyActivationFollowsItsDefinition() {
        // Given z = -2 and z = 3, When each activation is applied, Then
        assertThat(Scorer.activate(Activation.IDENTITY, -2)).isEqualTo(-2.0);
        assertThat(Scorer.activate(Activation.RELU, -2)).isEqualTo(0.0);
        assertThat(Scorer.activate(Activation.RELU, 3)).isEqualTo(3.0);
        assertThat(Scorer.activate(Activation.LEAKYRELU, -2)).isEqualTo(-0.02);
        assertThat(Scorer.activate(Activation.LEAKYRELU, 3)).isEqualTo(3.0);
        assertThat(Scorer.activate(Activation.TANH, 3)).isEqualTo(Math.tanh(3));
        assertThat(Scorer.activate(Activation.SIGMOID, 0)).isEqualTo(0.5);
        assertThat(Scorer.activate(Activation.SIGMOID, -2)).isCloseTo(0.11920292202211755, within(1e-15));
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        Scorer scorer = Scorer.of(TestArtifacts.classifier());
        assertThatThrownBy(() -> scorer.score(new double[] {1.0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes 2 inputs, the row has 1");
    }

    @Test
    void sessionsOnSeveralThreadsAgreeWithOneThread() throws Exception {
        // Given a typical network and 200 rows scored on this thread
        Scorer scorer = Scorer.of(TestArtifacts.typical(10, 7));
        double[][] rows = rows(200, 10, 3);
        double[] expected = Arrays.stream(rows).mapToDouble(scorer::score).toArray();

        // When four threads score the same rows at once
        double[][] seen = new double[4][];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int slot = t;
            threads[t] = new Thread(() -> seen[slot] = Arrays.stream(rows).mapToDouble(scorer::score).toArray());
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        // Then every thread computed exactly the same scores
        for (double[] scores : seen) {
            assertThat(scores).containsExactly(expected);
        }
    }

    @Test
    void oneRowTakesAFewMicroseconds() {
        // Given a network of the shipped use cases' size (10 -> 32 -> 16 -> 1), warmed up
        Scorer.Session session = Scorer.of(TestArtifacts.typical(10, 11)).newSession();
        double[][] rows = rows(1000, 10, 5);
        double sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += session.score(rows[i % rows.length]);
        }

        // When 20,000 single rows are timed one by one
        long[] nanos = new long[20_000];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            sink += session.score(rows[i % rows.length]);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);

        // Then the median is a few microseconds (bound generous for a busy 2-core CI machine)
        assertThat(sink).isFinite();
        assertThat(nanos[nanos.length / 2]).as("median nanoseconds per row").isLessThan(20_000);
    }

    private static double[][] rows(int count, int width, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[count][width];
        for (double[] row : rows) {
            for (int i = 0; i < width; i++) {
                row[i] = random.nextDouble() < 0.05 ? Double.NaN : random.nextGaussian();
            }
        }
        return rows;
    }
}
