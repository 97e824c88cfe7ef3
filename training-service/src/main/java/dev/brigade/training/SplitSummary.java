package dev.brigade.training;

import java.time.Instant;

/** The record of one split: rows, classes, and the event-time span it covers. */
public record SplitSummary(long n, ClassBalance balance, Instant from, Instant to) {
}
