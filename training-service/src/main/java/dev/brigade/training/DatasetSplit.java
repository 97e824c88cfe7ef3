package dev.brigade.training;

import java.time.Instant;
import java.util.List;

/**
 * The rows of a dataset by time: the oldest for training, then the validation rows for early stopping, the newest
 * as the holdout. No row moves across time, so the holdout measures the model on the future it will face.
 *
 * @param holdoutFrom the event time of the oldest holdout row
 */
public record DatasetSplit(List<Example> training, List<Example> validation, List<Example> holdout,
        Instant holdoutFrom) {

    public DatasetSplit {
        training = List.copyOf(training);
        validation = List.copyOf(validation);
        holdout = List.copyOf(holdout);
    }
}
