package dev.brigade.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.brigade.model.ModelTask;

class SplitSummaryTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void aClassificationSplitCountsItsClasses() {
        // Given four rows a minute apart, labels 1, 0, 1, 1
        List<Example> rows = rows(1, 0, 1, 1);

        // When summarised for a classifier
        SplitSummary summary = SplitSummary.of(rows, ModelTask.BINARY_CLASSIFICATION);

        // Then it has the rows, both classes and the event-time span
        assertThat(summary.n()).isEqualTo(4);
        assertThat(summary.balance()).isEqualTo(new ClassBalance(3, 1));
        assertThat(summary.from()).isEqualTo(T0);
        assertThat(summary.to()).isEqualTo(T0.plusSeconds(180));
    }

    @Test
    void aRegressionSplitHasNoClasses() {
        // Given delivery minutes, one of which happens to be 1.0
        List<Example> rows = rows(12.5, 1.0, 31.0);

        // When summarised for a regression
        SplitSummary summary = SplitSummary.of(rows, ModelTask.REGRESSION);

        // Then it has the rows and the span, and no class balance (a minute is neither positive nor negative)
        assertThat(summary.n()).isEqualTo(3);
        assertThat(summary.balance()).isNull();
        assertThat(summary.to()).isEqualTo(T0.plusSeconds(120));
    }

    private static List<Example> rows(double... labels) {
        return IntStream.range(0, labels.length).mapToObj(i -> new Example("e" + i, T0.plusSeconds(60L * i),
                new double[] {i}, Map.of(), labels[i])).toList();
    }
}
