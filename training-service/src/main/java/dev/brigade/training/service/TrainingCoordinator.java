package dev.brigade.training.service;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.training.RunRecord;
import dev.brigade.training.TrainingRequest;

/**
 * Turns requests into runs: one run at a time per use case, and a request that arrives while its use case has a
 * queued or running run joins that run (it ends with that run's record) instead of starting another. Runs execute
 * one after another on a single worker thread, because a training job uses every core of this 2-core machine.
 */
@ApplicationScoped
public class TrainingCoordinator {

    private final TrainingJob job;
    private final RunStore store;
    private final Map<String, Run> active = new HashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "training-worker");
        t.setDaemon(true);
        return t;
    });
    private final Clock clock = Clock.systemUTC();

    TrainingCoordinator(TrainingJob job, RunStore store) {
        this.job = job;
        this.store = store;
    }

    /**
     * @return the run that will answer the request: a new one, or the live run it coalesced into
     */
    public synchronized RunRecord submit(TrainingRequest request) {
        Run live = active.get(request.useCase());
        if (live != null && live.coalesce(request.requestId())) {
            return live.store(store);
        }
        Run run = new Run("run-" + UUID.randomUUID(), request.useCase(), request.requestId(), request.reason(),
                clock.instant());
        active.put(request.useCase(), run);
        RunRecord queued = run.store(store);
        worker.execute(() -> {
            try {
                job.execute(run, request);
            } finally {
                release(run);
            }
        });
        return queued;
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
