package dev.brigade.training;

/** A half-open range [fromOffset, toOffset) of one partition: what a run read, so it can be read again. */
public record DatasetRange(String topic, int partition, long fromOffset, long toOffset) {
}
