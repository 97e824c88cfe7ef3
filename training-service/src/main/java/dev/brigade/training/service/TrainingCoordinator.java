package dev.brigade.training.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.brigade.training.RunRecord;
import dev.brigade.training.TrainingRequest;
import dev.brigade.training.config.TrainingConfig;

/**
 * Turns requests into runs: one run at a time per use case, and a request that arrives while its use case has a
 * queued or running run joins that run (it ends with that run's record) instead of starting another. Runs execute
 * one after another on a single worker thread, because a training job uses every core of this 2-core machine.
 *
 * <p>Across instances (the requests' partitions are shared by the consumer group, keyed by use case): a request whose
 * id already belongs to a run in the shared view (a redelivery after a rebalance or a crash before the commit) is
 * answered by that run and not run again; a request for a use case whose live run another instance owns, with a
 * fresh heartbeat, is answered by that run too.
 */
@ApplicationScoped
public class TrainingCoordinator {

    private static final Logger LOG = Logger.getLogger(TrainingCoordinator.class);

    private final TrainingJob job;
    private final RunStore store;
    private final RunStateSink states;
    private final String instanceId;
    private final Duration staleAfter;
    private final Map<String, Run> active = new HashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "training-worker");
        t.setDaemon(true);
        return t;
    });
    // Milliseconds: what training-run-state keeps, so the owner and a replica answer the same times
    private final Clock clock = Clock.tickMillis(java.time.ZoneOffset.UTC);

    @Inject
    TrainingCoordinator(TrainingJob job, RunStore store, RunStateWriter states, TrainingConfig config) {
        this(job, store, states, config.instanceId(), config.liveness().staleAfter());
    }

    /** For tests: no shared state written. */
    TrainingCoordinator(TrainingJob job, RunStore store) {
        this(job, store, state -> CompletableFuture.completedFuture(null), "test", Duration.ofSeconds(30));
    }

    TrainingCoordinator(TrainingJob job, RunStore store, RunStateSink states, String instanceId,
            Duration staleAfter) {
        this.job = job;
        this.store = store;
        this.states = states;
        this.instanceId = instanceId;
        this.staleAfter = staleAfter;
    }

    /**
     * @return the run that will answer the request: a new one, or the live run it coalesced into, or the run that
     *         already answered it
     */
    public synchronized RunRecord submit(TrainingRequest request) {
        Run live = active.get(request.useCase());
        if (live != null && live.coalesce(request.requestId())) {
            return live.store(store, states);
        }
        Optional<RunRecord> answered = store.byRequestId(request.requestId());
        if (answered.isPresent()) {
            LOG.infof("Request %s already belongs to run %s (%s, owner %s): not run again", request.requestId(),
                    answered.get().runId(), answered.get().status(), answered.get().owner());
            return answered.get();
        }
        Optional<RunRecord> elsewhere = liveElsewhere(request.useCase(), clock.instant());
        if (elsewhere.isPresent()) {
            LOG.infof("Request %s for %s is answered by run %s, live on instance %s: one run per use case",
                    request.requestId(), request.useCase(), elsewhere.get().runId(), elsewhere.get().owner());
            return elsewhere.get();
        }
        Run run = new Run("run-" + UUID.randomUUID(), request.useCase(), request.requestId(), request.reason(),
                clock.instant(), instanceId, clock);
        active.put(request.useCase(), run);
        RunRecord queued = run.store(store, states);
        worker.execute(() -> {
            try {
                job.execute(run, request);
            } finally {
                release(run);
            }
        });
        return queued;
    }

    /** A live run of the use case owned by another instance that still sends heartbeats. */
    private Optional<RunRecord> liveElsewhere(String useCase, Instant now) {
        return store.sharedLive().stream().map(s -> s.run())
                .filter(r -> r.useCase().equals(useCase) && r.owner() != null && !r.owner().equals(instanceId))
                .filter(r -> !RunLiveness.stale(r, now, staleAfter))
                .findFirst();
    }

    /** The runs this instance owns that have not ended: the heartbeat writes their state. */
    synchronized List<Run> liveRuns() {
        return List.copyOf(active.values());
    }

    synchronized boolean runsHere(String runId) {
        return active.values().stream().anyMatch(r -> r.runId.equals(runId));
    }

    String instanceId() {
        return instanceId;
    }

    private synchronized void release(Run run) {
        active.remove(run.useCase, run);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
