package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.TrainingRequest;

class TrainingCoordinatorTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> executed = new CopyOnWriteArrayList<>();
    private final RunStore store = new RunStore(100);
    private final TrainingCoordinator coordinator;

    TrainingCoordinatorTest() {
        // Only execute is used: the job's collaborators stay unset
        coordinator = new TrainingCoordinator(new TrainingJob(null, null, null, null, null, null, null, null, null,
                null) {
            @Override
            void execute(Run run, TrainingRequest request) {
                executed.add(run.runId);
                run.status(RunStatus.RUNNING, null);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                run.status(RunStatus.SUCCEEDED, null);
            }
        }, store);
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        coordinator.stop();
    }

    @Test
    void requestsForAUseCaseWithALiveRunJoinThatRun() {
        // Given a running run for card-fraud
        RunRecord first = coordinator.submit(request("r1", "card-fraud"));
        await().atMost(Duration.ofSeconds(5)).until(() -> executed.size() == 1);

        // When two more requests for card-fraud and one for delivery-eta arrive while it runs
        RunRecord second = coordinator.submit(request("r2", "card-fraud"));
        RunRecord third = coordinator.submit(request("r2", "card-fraud"));
        RunRecord other = coordinator.submit(request("r3", "delivery-eta"));

        // Then the card-fraud requests joined the live run (once each), the other use case got a run of its own
        assertThat(second.runId()).isEqualTo(first.runId());
        assertThat(third.requestIds()).containsExactly("r1", "r2");
        assertThat(other.runId()).isNotEqualTo(first.runId());
        assertThat(store.get(first.runId())).hasValueSatisfying(
                r -> assertThat(r.requestIds()).containsExactly("r1", "r2"));

        // And once the run has ended, the next request starts a new run
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> executed.size() == 2);
        assertThat(coordinator.submit(request("r4", "card-fraud")).runId()).isNotEqualTo(first.runId());
    }

    private static TrainingRequest request(String id, String useCase) {
        return new TrainingRequest(id, useCase, TrainingReason.MANUAL, null, Instant.now(), null, Map.of());
    }
}
