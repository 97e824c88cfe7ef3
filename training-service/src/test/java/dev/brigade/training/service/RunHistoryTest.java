package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.events.OffsetRange;
import dev.brigade.events.RunProgress;
import dev.brigade.events.RunSkipped;
import dev.brigade.events.RunStarted;
import dev.brigade.events.RunSucceeded;
import dev.brigade.events.TrainingReason;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;

class RunHistoryTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");

    @Test
    void foldsEachRunsEventsIntoItsRecord() {
        // Given a run that succeeded, one that was skipped, and one that started but never ended
        RunStarted started = RunStarted.newBuilder().setRequestId("req-1").setReason(TrainingReason.DRIFT)
                .setCodeVersion("git:abc").setFeatureSet("card-activity").setFeatureSetVersion(1)
                .setHyperparameters(Map.of("seed", "42")).setSeed(42L)
                .setDatasetRanges(List.of(new OffsetRange("training-examples", 0, 0L, 40L)))
                .setCutoffTime(T0).build();
        List<TrainingRunEvent> events = List.of(
                event("run-a", 0, started),
                event("run-a", 1, new RunProgress(1, 5, 0.6, 0.7)),
                event("run-b", 2, new RunSkipped("req-2", "cooldown")),
                event("run-a", 3, new RunSucceeded(4, Map.of("auc", 0.9), 3000L, 5000L)),
                event("run-c", 4, started));

        // When folded
        List<RunRecord> runs = RunHistory.fold(events);

        // Then each run has what its events said
        assertThat(runs).extracting(RunRecord::runId).containsExactly("run-a", "run-b", "run-c");
        RunRecord a = runs.get(0);
        assertThat(a.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(a.modelVersion()).isEqualTo(4);
        assertThat(a.startedAt()).isEqualTo(T0);
        assertThat(a.datasetRanges()).containsExactly(new DatasetRange("training-examples", 0, 0, 40));
        assertThat(a.epochs()).hasSize(1);
        assertThat(a.featureSet()).isEqualTo("card-activity");
        assertThat(runs.get(1).status()).isEqualTo(RunStatus.SKIPPED);
        assertThat(runs.get(1).statusReason()).isEqualTo("cooldown");
        assertThat(runs.get(1).startedAt()).isNull();
        assertThat(runs.get(2).status()).isEqualTo(RunStatus.FAILED);
        assertThat(runs.get(2).statusReason()).startsWith("interrupted");
    }

    private static TrainingRunEvent event(String runId, int minute, Object payload) {
        return TrainingRunEvent.newBuilder().setEventId(runId + "-" + minute).setRunId(runId).setUseCase("card-fraud")
                .setOccurredAt(T0.plusSeconds(60L * minute)).setPayload(payload).build();
    }
}
