package dev.brigade.training.service;

import java.util.concurrent.CompletionStage;

import dev.brigade.training.RunState;

/**
 * Where run states go: training-run-state in the service ({@link RunStateWriter}), a list or nothing in unit tests.
 * A write only enqueues, in call order (the caller holds the run's lock, so one run's writes keep their order); the
 * stage completes with where the record landed once the broker acknowledged it.
 */
@FunctionalInterface
public interface RunStateSink {

    /** Where a state record landed: its partition and offset on training-run-state. */
    record Written(int partition, long offset) {
    }

    CompletionStage<Written> write(RunState state);
}
