package dev.brigade.serving.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.serving.BatchJob;
import dev.brigade.serving.JobState;
import dev.brigade.serving.Variant;
import dev.brigade.serving.mapping.BatchJobStateMapper;

/** The fold of batch-jobs (which state of a job stands), the mapper, admission and the checkpoint's tally. */
class JobStateFoldTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
    private static final List<JobState.Range> RANGES = List.of(new JobState.Range(0, 0, 100, 0),
            new JobState.Range(1, 10, 60, 10));

    static JobState queued(String id) {
        return JobState.accepted(id, "card-fraud", T0.minusSeconds(7200), T0.minusSeconds(3600), 3, Variant.CHAMPION,
                "card-activity", 1, "dave", "serving-a:8084", T0);
    }

    static JobState.Tally tally(long scored) {
        return new JobState.Tally(scored + 1, scored, 1, 0, 0, Map.of("v3 CHAMPION", scored), Map.of(), Map.of(),
                scored, 0.5 * scored, 0.1, 0.9, List.of(0.1, 0.5, 0.9), false);
    }

    @Test
    void aLaterCheckpointReplacesAnEarlierOneAndALostOwnersWritesAreIgnored() {
        // Given a job started by a, checkpointed once, then resumed by b
        JobState byA = queued("j1").startedBy("serving-a:8084", RANGES, T0.plusSeconds(1));
        JobState aCheckpoint = byA.checkpoint(BatchJob.Status.RUNNING, List.of(new JobState.Range(0, 0, 100, 40),
                RANGES.get(1)), tally(20), null, T0.plusSeconds(3));
        JobState byB = aCheckpoint.startedBy("serving-b:8084", aCheckpoint.partitions(), T0.plusSeconds(20));
        // And a late checkpoint of a, which had not noticed it lost the job
        JobState aLate = aCheckpoint.checkpoint(BatchJob.Status.RUNNING, List.of(new JobState.Range(0, 0, 100, 90),
                RANGES.get(1)), tally(45), null, T0.plusSeconds(21));

        // When they are folded in that order
        JobState standing = fold(queued("j1"), byA, aCheckpoint, byB, aLate);

        // Then b's attempt stands, resumed from a's checkpoint, and a's late write changed nothing
        assertThat(standing.owner()).isEqualTo("serving-b:8084");
        assertThat(standing.attempt()).isEqualTo(2);
        assertThat(standing.resumedFrom()).isEqualTo(40L);
        assertThat(standing.scanned()).isEqualTo(40);
        assertThat(standing.tally().scored()).isEqualTo(20);
        assertThat(standing.view().startedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aCancellationStaysRequestedAndAFinishedJobIsFinal() {
        // Given a running job, a cancellation written from an older copy, then the runner's next checkpoint
        JobState running = queued("j2").startedBy("serving-a:8084", RANGES, T0);
        JobState c1 = running.checkpoint(BatchJob.Status.RUNNING, RANGES, tally(5), null, T0.plusSeconds(2));
        JobState cancel = running.cancelledBy("erin", T0.plusSeconds(3));
        JobState c2 = c1.checkpoint(BatchJob.Status.RUNNING, RANGES, tally(9), null, T0.plusSeconds(4));

        // When folded
        JobState afterCancel = fold(running, c1, cancel, c2);

        // Then the cancellation stands with the newest progress
        assertThat(afterCancel.cancelRequested()).isTrue();
        assertThat(afterCancel.cancelledBy()).isEqualTo("erin");
        assertThat(afterCancel.tally().scored()).isEqualTo(9);

        // And once it ended, nothing written later changes it
        JobState ended = c2.checkpoint(BatchJob.Status.CANCELLED, RANGES, tally(9), null, T0.plusSeconds(5));
        JobState zombie = c2.startedBy("serving-b:8084", RANGES, T0.plusSeconds(6));
        JobState end = fold(afterCancel, ended, zombie);
        assertThat(end.status()).isEqualTo(BatchJob.Status.CANCELLED);
        assertThat(end.cancelledBy()).isEqualTo("erin");
        assertThat(end.tally().scored()).isEqualTo(9);
    }

    @Test
    void theMapperKeepsEveryField() {
        JobState state = queued("j3").startedBy("serving-a:8084", RANGES, T0)
                .checkpoint(BatchJob.Status.RUNNING, RANGES, tally(7), null, T0.plusSeconds(2))
                .cancelledBy("erin", T0.plusSeconds(3));

        assertThat(BatchJobStateMapper.fromEvent(BatchJobStateMapper.toEvent(state))).isEqualTo(state);
        JobState queued = queued("j4");
        assertThat(BatchJobStateMapper.fromEvent(BatchJobStateMapper.toEvent(queued))).isEqualTo(queued);
    }

    @Test
    void admissionCountsTheUnfinishedJobsOfEveryReplica() {
        // Given one job queued on a and one running on b, and one finished
        JobState queuedOnA = queued("a1");
        JobState runningOnB = queued("b1").startedBy("serving-b:8084", RANGES, T0);
        JobState finished = runningOnB.checkpoint(BatchJob.Status.SUCCEEDED, RANGES, tally(1), null, T0);

        // Then with two allowed a third is refused, and finished jobs do not count
        assertThat(BatchJobs.admits(List.of(queuedOnA, runningOnB, finished), 2)).isFalse();
        assertThat(BatchJobs.admits(List.of(queuedOnA, finished), 2)).isTrue();
        assertThat(BatchJobs.admits(List.of(), 1)).isTrue();
    }

    @Test
    void aResumedTallyKeepsCountsExactAndPercentilesClose() {
        // Given 10,000 scores 0..9999 split over two attempts, the first checkpointing 100 quantiles
        JobStats first = new JobStats();
        for (int i = 0; i < 4000; i++) {
            first.score(i);
        }
        JobState.Tally checkpoint = first.snapshot(100);
        JobStats second = new JobStats(checkpoint);
        for (int i = 4000; i < 10_000; i++) {
            second.score(i);
        }

        // When the second attempt's tally is taken
        JobState.Tally end = second.snapshot(100);

        // Then count, mean and extremes are exact, and the percentiles within 1% of the truth
        assertThat(checkpoint.sample()).hasSize(100);
        assertThat(end.scoreCount()).isEqualTo(10_000);
        assertThat(end.scoreSum() / end.scoreCount()).isCloseTo(4999.5, within(1e-9));
        assertThat(end.scoreMax()).isEqualTo(9999);
        double[] sorted = end.sample().stream().mapToDouble(Double::doubleValue).toArray();
        assertThat(JobState.percentile(sorted, 0.5)).isCloseTo(5000, within(100.0));
        assertThat(JobState.percentile(sorted, 0.95)).isCloseTo(9500, within(100.0));

        assertThat(checkpoint.percentilesExact()).isTrue();
        assertThat(end.percentilesExact()).isFalse();

        // And few scores are kept as they are (exact percentiles)
        JobStats few = new JobStats();
        few.score(0.3);
        few.score(0.1);
        assertThat(few.snapshot(100).sample()).containsExactly(0.1, 0.3);
    }

    @Test
    void anAttemptThatWasNeverResumedKeepsItsP50AndP95Exact() {
        // Given 5,000 scores in a shuffled order, more than the 1,000 a checkpoint keeps
        List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, 5000).boxed().toList());
        java.util.Collections.shuffle(order, new java.util.Random(7));
        JobStats stats = new JobStats();
        order.forEach(stats::score);

        // When the tally is taken
        JobState.Tally tally = stats.snapshot(1000);

        // Then the kept quantiles give the exact nearest-rank p50 and p95 of all 5,000
        double[] sorted = tally.sample().stream().mapToDouble(Double::doubleValue).toArray();
        assertThat(sorted).hasSize(1000);
        assertThat(JobState.percentile(sorted, 0.50)).isEqualTo(2499.0);
        assertThat(JobState.percentile(sorted, 0.95)).isEqualTo(4749.0);
        assertThat(tally.percentilesExact()).isTrue();
    }

    private static JobState fold(JobState... states) {
        JobState standing = null;
        for (JobState s : states) {
            standing = JobsView.merge(standing, s);
        }
        return standing;
    }
}
