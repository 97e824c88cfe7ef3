package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.RunStatus;
import dev.brigade.training.TrainingRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The stale rule, and what instances do about a silent owner's run, on an in-memory topic. */
class RunLivenessTest {

    private static final Instant NOW = Instant.parse("2026-12-08T02:00:00Z");
    private static final Duration STALE_AFTER = Duration.ofSeconds(30);

    @Test
    void aLiveRunIsStaleOnceItsHeartbeatIsOlderThanStaleAfterAndAFinalRunNever() {
        // Given runs whose owner last wrote 29 s, 30 s and 31 s ago, and a final one from an hour ago
        RunRecord fresh = RunStoreTest.state(RunStatus.RUNNING, 1, "a").run();

        // Then only a heartbeat strictly older than stale-after is stale, and a final run is never
        assertThat(RunLiveness.stale(withHeartbeat(fresh, NOW.minusSeconds(29)), NOW, STALE_AFTER)).isFalse();
        assertThat(RunLiveness.stale(withHeartbeat(fresh, NOW.minusSeconds(30)), NOW, STALE_AFTER)).isFalse();
        assertThat(RunLiveness.stale(withHeartbeat(fresh, NOW.minusSeconds(31)), NOW, STALE_AFTER)).isTrue();
        RunRecord ended = RunStoreTest.state(RunStatus.SUCCEEDED, 1, "a").run();
        assertThat(RunLiveness.stale(withHeartbeat(ended, NOW.minusSeconds(3600)), NOW, STALE_AFTER)).isFalse();
    }

    @Test
    void theDeclarationIsTheNextRevisionNamingTheSilentOwnerAndTheDeclarer() {
        // Given a RUNNING state of owner a at revision 7, silent since NOW - 45 s
        RunState silent = new RunState(withHeartbeat(RunStoreTest.state(RunStatus.RUNNING, 7, "a").run(),
                NOW.minusSeconds(45)), 7, "a");

        // When instance b declares it failed
        RunState failed = RunLiveness.declaredFailed(silent, "b", STALE_AFTER, NOW);

        // Then it is FAILED at revision 8 by b, naming a and when it went silent, finished now
        assertThat(failed.revision()).isEqualTo(8);
        assertThat(failed.writer()).isEqualTo("b");
        assertThat(failed.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.run().statusReason()).contains("instance a").contains(NOW.minusSeconds(45).toString())
                .contains("declared failed by b");
        assertThat(failed.run().finishedAt()).isEqualTo(NOW);
        assertThat(failed.run().owner()).isEqualTo("a");
    }

    @Test
    void twoCheckersThatBothDeclareTheSameRunPublishItsFailureOnce() throws Exception {
        // Given a silent owner's run in the views of instances b and c, and a topic that both write to
        Topic topic = new Topic();
        RunStore storeB = topic.follower();
        RunStore storeC = topic.follower();
        topic.write(new RunState(withHeartbeat(RunStoreTest.state(RunStatus.RUNNING, 3, "a").run(),
                NOW.minusSeconds(60)), 3, "a"));
        topic.deliver();
        List<String> published = new CopyOnWriteArrayList<>();
        RunLiveness b = checker("b", storeB, topic, published);
        RunLiveness c = checker("c", storeC, topic, published);

        // When b declares it but reads nothing back yet, then c declares it too and both declarations land, b's first
        topic.holdDeliveries = true;
        b.check();
        topic.holdDeliveries = false;
        c.check();
        b.check();
        c.check();

        // Then exactly one RunFailed is published, by b, whose declaration is the run's first final state everywhere
        assertThat(published).containsExactly("b:run-1");
        assertThat(storeB.get("run-1").orElseThrow().statusReason()).contains("declared failed by b");
        assertThat(storeC.get("run-1")).isEqualTo(storeB.get("run-1"));
    }

    @Test
    void anOwnerThatFindsItsRunEndedByAnotherInstanceStopsItAndWritesThatEndAgain() throws Exception {
        // Given instance a running a run (its job waits), writing its states to the topic
        Topic topic = new Topic();
        RunStore store = topic.follower();
        CountDownLatch release = new CountDownLatch(1);
        List<Boolean> stoppedByCheck = new CopyOnWriteArrayList<>();
        TrainingCoordinator coordinator = new TrainingCoordinator(new TrainingJob(null, null, null, null, null, null,
                null, null, null, null) {
            @Override
            void execute(Run run, TrainingRequest request) {
                run.status(RunStatus.RUNNING, null);
                try {
                    release.await(10, TimeUnit.SECONDS);
                    run.checkNotAbandoned();
                    stoppedByCheck.add(false);
                } catch (RunAbandonedException e) {
                    stoppedByCheck.add(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, store, topic, "a", STALE_AFTER);
        RunRecord run = coordinator.submit(new TrainingRequest("r-1", "card-fraud", TrainingReason.MANUAL, null,
                NOW, null, Map.of()));
        topic.deliver();
        RunLiveness liveness = checker("a", store, topic, new ArrayList<>(), coordinator);

        // When instance b's declaration of failure lands on the topic and a's heartbeat comes round
        RunState seen = store.shared(run.runId()).orElseThrow();
        RunState failed = RunLiveness.declaredFailed(seen, "b", STALE_AFTER, NOW);
        topic.write(failed);
        topic.deliver();
        liveness.heartbeat();
        release.countDown();

        // Then a's job stops at its next check, a answers the run as b ended it, and the topic's last record of the
        // run is that end again (so compaction keeps the end, not a heartbeat)
        await().atMost(Duration.ofSeconds(5)).until(() -> !stoppedByCheck.isEmpty());
        assertThat(stoppedByCheck).containsExactly(true);
        assertThat(store.get(run.runId()).orElseThrow().statusReason()).contains("declared failed by b");
        assertThat(topic.records.get(topic.records.size() - 1)).isEqualTo(failed);
        coordinator.stop();
    }

    @Test
    void anInstanceThatStopsGracefullyFailsItsOwnLiveRunsAtOnce() throws Exception {
        // Given instance a running a run whose job waits
        Topic topic = new Topic();
        RunStore store = topic.follower();
        CountDownLatch release = new CountDownLatch(1);
        TrainingCoordinator coordinator = new TrainingCoordinator(new TrainingJob(null, null, null, null, null, null,
                null, null, null, null) {
            @Override
            void execute(Run run, TrainingRequest request) {
                run.status(RunStatus.RUNNING, null);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, store, topic, "a", STALE_AFTER);
        RunRecord run = coordinator.submit(new TrainingRequest("r-1", "card-fraud", TrainingReason.MANUAL, null,
                NOW, null, Map.of()));
        List<String> published = new CopyOnWriteArrayList<>();
        RunLiveness liveness = checker("a", store, topic, published, coordinator);

        // When a stops
        liveness.failOwnRuns();
        topic.deliver();
        release.countDown();

        // Then the run is FAILED on the topic by a, saying a stopped, and its RunFailed is published once
        RunState last = topic.records.get(topic.records.size() - 1);
        assertThat(last.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(last.writer()).isEqualTo("a");
        assertThat(last.run().statusReason()).contains("the instance a that ran it stopped");
        assertThat(store.get(run.runId()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        assertThat(published).containsExactly("a:" + run.runId());
        coordinator.stop();
    }

    private static RunLiveness checker(String id, RunStore store, Topic topic, List<String> published) {
        return checker(id, store, topic, published, new TrainingCoordinator(null, store));
    }

    private static RunLiveness checker(String id, RunStore store, Topic topic, List<String> published,
            TrainingCoordinator coordinator) {
        return new RunLiveness(coordinator, store, topic, (written, timeout) -> {
            topic.deliver();
            return !topic.holdDeliveries;
        }, failed -> published.add(id + ":" + failed.runId()), Duration.ofSeconds(5), STALE_AFTER,
                Duration.ofSeconds(5), id, new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static RunRecord withHeartbeat(RunRecord r, Instant at) {
        return new RunRecord(r.runId(), r.useCase(), r.requestIds(), r.reason(), r.status(), r.statusReason(),
                r.codeVersion(), r.specVersion(), r.featureSet(), r.featureSetVersion(), r.hyperparameters(),
                r.seed(), r.datasetRanges(), r.cutoff(), r.newExamples(), r.training(), r.validation(), r.holdout(),
                r.epochs(), r.evaluation(), r.modelVersion(), r.artifactSha256(), r.createdAt(), r.startedAt(),
                r.finishedAt(), r.wallTimeMillis(), r.cpuMillis(), r.owner(), at);
    }

    /** One partition in memory: records in write order, delivered to every follower in that order. */
    static final class Topic implements RunStateSink {

        final List<RunState> records = new CopyOnWriteArrayList<>();
        private final List<RunStore> followers = new ArrayList<>();
        private final List<Integer> delivered = new ArrayList<>();
        volatile boolean holdDeliveries;

        RunStore follower() {
            RunStore store = new RunStore(100);
            followers.add(store);
            delivered.add(0);
            return store;
        }

        @Override
        public CompletableFuture<Written> write(RunState state) {
            records.add(state);
            return CompletableFuture.completedFuture(new Written(0, records.size() - 1));
        }

        synchronized void deliver() {
            if (holdDeliveries) {
                return;
            }
            for (int f = 0; f < followers.size(); f++) {
                for (int i = delivered.get(f); i < records.size(); i++) {
                    followers.get(f).apply(records.get(i));
                }
                delivered.set(f, records.size());
            }
        }
    }
}
