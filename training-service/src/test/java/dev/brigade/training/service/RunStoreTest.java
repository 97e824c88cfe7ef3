package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.RunStatus;

/** The shared view's fold: what every instance answers for a run, whatever order it learns things in. */
class RunStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-08T01:00:00Z");

    @Test
    void theNewerRevisionWinsUntilTheRunIsFinalAndTheFirstFinalStateStays() {
        // Given a run's states as they land on the topic: a heartbeat, a declaration of failure by instance b,
        // then a late heartbeat and a late success of the silent owner a
        RunStore store = new RunStore(10);
        RunState running = state(RunStatus.RUNNING, 3, "a");
        RunState failedByB = state(RunStatus.FAILED, 4, "b");
        RunState lateBeat = state(RunStatus.RUNNING, 5, "a");
        RunState lateSuccess = state(RunStatus.SUCCEEDED, 6, "a");

        // When they are applied in that order, and an older revision arrives after the running one
        assertThat(store.apply(running)).isTrue();
        assertThat(store.apply(state(RunStatus.RUNNING, 2, "a"))).isFalse();
        assertThat(store.apply(failedByB)).isTrue();
        assertThat(store.apply(lateBeat)).isFalse();
        assertThat(store.apply(lateSuccess)).isFalse();

        // Then the run is FAILED as b declared it, in the shared layer and in what the store answers
        assertThat(store.shared("run-1")).contains(failedByB);
        assertThat(store.get("run-1")).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.FAILED));
        assertThat(store.sharedLive()).isEmpty();
    }

    @Test
    void theOwnersLocalStateIsAnsweredUntilTheTopicCatchesUpButAFinalSharedStateOverridesIt() {
        // Given the owner's local revision 5 and the topic's echo still at revision 4
        RunStore store = new RunStore(10);
        store.putLocal(state(RunStatus.RUNNING, 5, "a"));
        store.apply(state(RunStatus.RUNNING, 4, "a"));

        // Then the local (newer) state is answered
        assertThat(store.get("run-1").orElseThrow().epochs()).hasSize(5);

        // When the echo reaches revision 5, it is answered (the same state, as every replica has it)
        RunState echo = state(RunStatus.RUNNING, 5, "a");
        store.apply(echo);
        assertThat(store.get("run-1")).contains(echo.run());

        // And when the owner ends it locally at 6 but another instance's end (revision 6) came first on the topic,
        // the topic's end is answered, as on every other instance
        store.putLocal(state(RunStatus.SUCCEEDED, 6, "a"));
        store.apply(state(RunStatus.FAILED, 6, "b"));
        assertThat(store.get("run-1").orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void aHistoryRecordGivesWayToTheSharedStateAndRequestsAreFoundByTheirId() {
        // Given a record rebuilt from training-runs that calls the run interrupted, and its state on the topic
        RunStore store = new RunStore(10);
        store.put(state(RunStatus.FAILED, 0, "").run());
        store.apply(state(RunStatus.RUNNING, 1, "a"));

        // Then the shared (live) state is answered, and the run's request is found by its id
        assertThat(store.get("run-1").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store.byRequestId("r-1")).hasValueSatisfying(r -> assertThat(r.runId()).isEqualTo("run-1"));
        assertThat(store.byRequestId("r-2")).isEmpty();
    }

    /** A state whose epochs count its revision, so that tests can tell states apart. */
    static RunState state(RunStatus status, long revision, String writer) {
        List<dev.brigade.training.EpochProgress> epochs = java.util.stream.LongStream.range(0, Math.max(0, revision))
                .mapToObj(e -> new dev.brigade.training.EpochProgress((int) e + 1, 20, 0.5, 0.5)).toList();
        RunRecord run = new RunRecord("run-1", "card-fraud", List.of("r-1"), TrainingReason.MANUAL, status,
                status == RunStatus.FAILED ? "failed by " + writer : null, "dev", 1, "fs", 1, null, 1L, null, null,
                null, null, null, null, epochs, null, null, null, T0, T0, status.isFinal() ? T0.plusSeconds(60) : null,
                null, null, "a", T0.plusSeconds(revision));
        return new RunState(run, revision, writer);
    }
}
