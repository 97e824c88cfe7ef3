package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.RetrainingPolicy;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.TrainingRequest;

class TrainingPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final RetrainingPolicy FRAUD = new RetrainingPolicy(
            Set.of(TrainingReason.DRIFT, TrainingReason.MANUAL), 5000, Duration.ofHours(6), 2);

    @Test
    void aSignalThePolicyDoesNotListIsSkipped() {
        assertThat(TrainingPolicy.beforeData(request(TrainingReason.SCHEDULE), FRAUD, List.of(), NOW))
                .hasValue("the retraining policy does not allow SCHEDULE requests (allowed: DRIFT, MANUAL)");
        assertThat(TrainingPolicy.beforeData(request(TrainingReason.DRIFT), FRAUD, List.of(), NOW)).isEmpty();
    }

    @Test
    void noRunWithinTheCooldownOfTheLastStartedRun() {
        // Given a run that started 5 hours ago, under a 6-hour cooldown
        List<RunRecord> history = List.of(run("run-1", RunStatus.SUCCEEDED, NOW.minus(Duration.ofHours(5))));

        // Then a request now is skipped, naming when the next run is allowed; in 61 minutes it may go
        assertThat(TrainingPolicy.beforeData(request(TrainingReason.MANUAL), FRAUD, history, NOW))
                .hasValueSatisfying(why -> assertThat(why).startsWith("cooldown of PT6H after run run-1")
                        .endsWith("next run allowed at 2026-11-26T13:00:00Z"));
        assertThat(TrainingPolicy.beforeData(request(TrainingReason.MANUAL), FRAUD, history,
                NOW.plus(Duration.ofMinutes(61)))).isEmpty();
    }

    @Test
    void failedRunsCountSkippedRunsDoNot() {
        // Given a policy of 2 runs a day, no cooldown, and runs 23h and 12h ago (one failed) plus a skipped one
        RetrainingPolicy twoADay = new RetrainingPolicy(Set.of(TrainingReason.MANUAL), 0, Duration.ZERO, 2);
        List<RunRecord> history = List.of(
                run("a", RunStatus.SUCCEEDED, NOW.minus(Duration.ofHours(23))),
                run("b", RunStatus.FAILED, NOW.minus(Duration.ofHours(12))),
                run("c", RunStatus.SKIPPED, null));

        // Then the third run of the day is refused, and allowed once the first is older than 24 hours
        assertThat(TrainingPolicy.beforeData(request(TrainingReason.MANUAL), twoADay, history, NOW))
                .hasValue("2 runs started in the last 24 hours, the policy allows 2 per day");
        assertThat(TrainingPolicy.beforeData(request(TrainingReason.MANUAL), twoADay, history,
                NOW.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void tooFewNewLabelledExamplesAreSkipped() {
        assertThat(TrainingPolicy.afterData(FRAUD, 4999))
                .hasValue("4999 new labelled examples since the last successful run, the policy needs 5000");
        assertThat(TrainingPolicy.afterData(FRAUD, 5000)).isEmpty();
    }

    private static TrainingRequest request(TrainingReason reason) {
        return new TrainingRequest("req", "card-fraud", reason, null, NOW, null, Map.of());
    }

    private static RunRecord run(String id, RunStatus status, Instant startedAt) {
        return new RunRecord(id, "card-fraud", List.of("r-" + id), TrainingReason.MANUAL, status, null, "dev", 1,
                "card-activity", 1, Map.of(), 42L, List.of(), null, null, null, null, null, List.of(), null, null,
                null, NOW.minus(Duration.ofDays(2)), startedAt, null, null, null);
    }
}
