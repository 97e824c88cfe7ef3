package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.brigade.events.TrainingReason;
import dev.brigade.model.ModelTask;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.RetrainingPolicy;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.UseCaseSettings;

/** When the kitchen asks itself for a NEW_DATA run: only when the request would pass the policy. */
class NewDataTriggerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final RetrainingPolicy POLICY = new RetrainingPolicy(Set.of(TrainingReason.NEW_DATA,
            TrainingReason.MANUAL), 1000, Duration.ofHours(6), 2);

    @Test
    void aFirstRunIsAskedForOnceEnoughOfItsOwnExamplesArrived() {
        // Given no run yet: 900 card-activity examples on two partitions, among 5000 of another feature set
        ExampleTally tally = new ExampleTally();
        examples(tally, "card-activity", null, 0, 0, 400);
        examples(tally, "card-activity", null, 1, 0, 500);
        examples(tally, "courier-load", null, 0, 400, 5000);
        examples(tally, "card-activity", "another-use-case", 1, 500, 300);

        // Then the other feature set and another use case's examples do not count: 900 is not enough, 1000 is
        assertThat(NewDataTrigger.reasonNotToAsk(settings(POLICY), List.of(), tally, NOW))
                .hasValueSatisfying(why -> assertThat(why).contains("900 examples").contains("needs 1000"));
        examples(tally, "card-activity", "card-fraud", 1, 800, 100);
        assertThat(NewDataTrigger.reasonNotToAsk(settings(POLICY), List.of(), tally, NOW)).isEmpty();
    }

    @Test
    void growthCountsFromTheLastSuccessfulRunsRanges() {
        // Given a successful run 7 hours ago that read up to offsets 4000 and 3000
        RunRecord last = run(RunStatus.SUCCEEDED, NOW.minus(Duration.ofHours(7)),
                List.of(new DatasetRange("training-examples", 0, 0, 4000), new DatasetRange("training-examples", 1,
                        0, 3000)));

        // Then 999 new examples are not enough and 1000 are
        ExampleTally tally = new ExampleTally();
        examples(tally, "card-activity", null, 0, 0, 4500);
        examples(tally, "card-activity", null, 1, 0, 3499);
        assertThat(NewDataTrigger.reasonNotToAsk(settings(POLICY), List.of(last), tally, NOW)).isPresent();
        examples(tally, "card-activity", null, 1, 3499, 1);
        assertThat(NewDataTrigger.reasonNotToAsk(settings(POLICY), List.of(last), tally, NOW)).isEmpty();
    }

    @Test
    void theCooldownALiveRunAndThePolicysSignalsHoldItBack() {
        ExampleTally plenty = new ExampleTally();
        examples(plenty, "card-activity", null, 0, 0, 100_000);
        RunRecord recent = run(RunStatus.SUCCEEDED, NOW.minus(Duration.ofHours(1)), List.of());
        RunRecord live = run(RunStatus.RUNNING, NOW.minus(Duration.ofMinutes(1)), List.of());
        RetrainingPolicy manualOnly = new RetrainingPolicy(Set.of(TrainingReason.MANUAL), 1, Duration.ZERO, 5);

        assertThat(NewDataTrigger.reasonNotToAsk(settings(POLICY), List.of(recent), plenty, NOW))
                .hasValueSatisfying(why -> assertThat(why).contains("cooldown"));
        assertThat(NewDataTrigger.reasonNotToAsk(settings(POLICY), List.of(live), plenty, NOW))
                .hasValue("a run is live");
        assertThat(NewDataTrigger.reasonNotToAsk(settings(manualOnly), List.of(), plenty, NOW))
                .hasValue("the policy does not allow new-data");
    }

    private static void examples(ExampleTally tally, String featureSet, String useCase, int partition, long from,
            int count) {
        for (long offset = from; offset < from + count; offset++) {
            tally.record(featureSet, 1, useCase, partition, offset);
        }
    }

    private static UseCaseSettings settings(RetrainingPolicy policy) {
        return new UseCaseSettings("card-fraud", 1, ModelTask.BINARY_CLASSIFICATION, "card-activity", 1, "auc",
                List.of(), new CostMatrix.Regression("cost", 1, 1), 0.5, 25, "fraud-ml-team", policy, Map.of(),
                List.of(), 1);
    }

    private static RunRecord run(RunStatus status, Instant startedAt, List<DatasetRange> ranges) {
        return new RunRecord("run-1", "card-fraud", List.of("r-1"), TrainingReason.MANUAL, status, null, "dev", 1,
                "card-activity", 1, Map.of(), 42L, ranges, null, null, null, null, null, List.of(), null, null,
                null, NOW.minus(Duration.ofDays(2)), startedAt, null, null, null);
    }
}
