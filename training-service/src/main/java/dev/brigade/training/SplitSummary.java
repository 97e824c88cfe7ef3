package dev.brigade.training;

import java.time.Instant;
import java.util.List;

import dev.brigade.model.ModelTask;

/**
 * The record of one split: rows, the classes (classification only: a regression label has no classes, so null) and
 * the event-time span it covers.
 */
public record SplitSummary(long n, ClassBalance balance, Instant from, Instant to) {

    /** @param rows a split of at least one row, in event-time order */
    public static SplitSummary of(List<Example> rows, ModelTask task) {
        return new SplitSummary(rows.size(), task == ModelTask.BINARY_CLASSIFICATION ? ClassBalance.of(rows) : null,
                rows.get(0).eventTime(), rows.get(rows.size() - 1).eventTime());
    }
}
