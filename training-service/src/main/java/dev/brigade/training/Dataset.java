package dev.brigade.training;

import java.time.Instant;
import java.util.List;

/**
 * The labelled rows of one feature-set version read from training-examples: the offset ranges they came from and
 * the cutoff, which together reproduce exactly these rows, in event-time order (ties by event id).
 *
 * @param rows the examples of the feature set and version (and use case, where an example names one)
 * @param otherExamples examples of other feature sets, versions or use cases in the ranges, not used
 * @param undecodable records in the ranges that did not decode as a TrainingExample, not used
 * @param afterCutoff examples with an event time at or after the cutoff, not used
 * @param newExamples rows at offsets from the previous run's end offsets on (all rows without a previous run)
 */
public record Dataset(String featureSet, int featureSetVersion, List<DatasetRange> ranges, Instant cutoff,
        List<Example> rows, long otherExamples, long undecodable, long afterCutoff, long newExamples) {

    public Dataset {
        ranges = List.copyOf(ranges);
        rows = List.copyOf(rows);
    }
}
