package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.model.ModelTask;
import dev.brigade.training.ClassBalance;
import dev.brigade.training.Dataset;
import dev.brigade.training.DatasetSplit;
import dev.brigade.training.Example;

class DatasetSplitterTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void theNewestRowsAreTheHoldoutAndTheValidationRowsComeJustBeforeThem() {
        // Given 20 rows, one a minute, alternating labels
        Dataset dataset = dataset(20, i -> i % 2);

        // When split with a 20% holdout and 25% of the rest for validation
        DatasetSplit split = DatasetSplitter.split(dataset, ModelTask.BINARY_CLASSIFICATION, 0.2, 0.25, 10);

        // Then rows 0-11 train, 12-15 validate, 16-19 are held out, in time order
        assertThat(split.training()).extracting(Example::eventId).containsExactly(ids(0, 12));
        assertThat(split.validation()).extracting(Example::eventId).containsExactly(ids(12, 16));
        assertThat(split.holdout()).extracting(Example::eventId).containsExactly(ids(16, 20));
        assertThat(split.holdoutFrom()).isEqualTo(T0.plusSeconds(16 * 60));
        assertThat(ClassBalance.of(split.training())).isEqualTo(new ClassBalance(6, 6));
    }

    @Test
    void badDataFailsWithTheReason() {
        assertThatThrownBy(() -> DatasetSplitter.split(dataset(0, i -> 0), ModelTask.REGRESSION, 0.2, 0.2, 1))
                .isInstanceOf(TrainingFailedException.class).hasMessageStartingWith("the dataset is empty");
        assertThatThrownBy(() -> DatasetSplitter.split(dataset(9, i -> i % 2), ModelTask.REGRESSION, 0.2, 0.2, 10))
                .hasMessage("the dataset has 9 examples, the minimum is 10");
        assertThatThrownBy(() -> DatasetSplitter.split(dataset(20, i -> i == 7 ? Double.NaN : 1),
                ModelTask.REGRESSION, 0.2, 0.2, 10))
                .hasMessage("1 examples have a label that is not a number (first: e07)");
        assertThatThrownBy(() -> DatasetSplitter.split(dataset(20, i -> 0), ModelTask.BINARY_CLASSIFICATION, 0.2,
                0.2, 10))
                .hasMessageContaining("one class only (0 positive, 20 negative examples)");
        assertThatThrownBy(() -> DatasetSplitter.split(dataset(20, i -> i), ModelTask.BINARY_CLASSIFICATION, 0.2,
                0.2, 10))
                .hasMessageContaining("label other than 0 or 1");
        // every positive in the oldest rows: the holdout has one class only
        assertThatThrownBy(() -> DatasetSplitter.split(dataset(20, i -> i < 5 ? 1 : 0),
                ModelTask.BINARY_CLASSIFICATION, 0.2, 0.2, 10))
                .hasMessageStartingWith("the holdout has one class only");
    }

    private interface Label {
        double of(int i);
    }

    private static Dataset dataset(int n, Label label) {
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Example(String.format("e%02d", i), T0.plusSeconds(60L * i), new double[] {i}, Map.of(),
                    label.of(i)));
        }
        return new Dataset("fs", 1, List.of(), T0.plusSeconds(86_400), rows, 0, 0, 0, n);
    }

    private static String[] ids(int from, int to) {
        String[] ids = new String[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = String.format("e%02d", i);
        }
        return ids;
    }
}
