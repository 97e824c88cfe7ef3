package dev.brigade.training;

/** A holdout row the candidate got most wrong, kept for review: its loss is log loss or absolute error. */
public record WorstExample(String eventId, double label, double score, double loss) {
}
