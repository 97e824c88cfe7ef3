package dev.brigade.training.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.RunStatus;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.listener.RunStateFollower;
import dev.brigade.training.mapping.RunEventMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps runs from staying live forever when their instance dies. The owner writes the state of each of its live runs
 * every heartbeat (and on every change); every instance checks the shared view every check interval, and a QUEUED or
 * RUNNING run whose heartbeat is older than stale-after, owned elsewhere, is declared FAILED naming the silent owner:
 * on training-run-state and, by the one instance whose declaration is the run's first final state there, as a
 * RunFailed on training-runs (so the monitor and the registry's readers see it once). An owner that is alive after
 * all and finds its run ended in the shared view stops the job and adopts that end. A run of a dead instance is
 * failed within stale-after + check-interval (plus the time to write and read one record).
 */
@ApplicationScoped
public class RunLiveness {

    private static final Logger LOG = Logger.getLogger(RunLiveness.class);
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Waits until this instance has read back the record it wrote (RunStateFollower). */
    @FunctionalInterface
    interface ReadBack {
        boolean awaitRead(RunStateSink.Written written, Duration timeout) throws InterruptedException;
    }

    /** Publishes the RunFailed of a run this instance declared failed (on training-runs). */
    @FunctionalInterface
    interface FailurePublisher {
        void publish(RunRecord failed);
    }

    private final TrainingCoordinator coordinator;
    private final RunStore store;
    private final RunStateSink states;
    private final ReadBack readBack;
    private final FailurePublisher publisher;
    private final Duration heartbeat;
    private final Duration staleAfter;
    private final Duration checkInterval;
    private final String instanceId;
    private final MeterRegistry meters;
    private final Clock clock;
    /** Declarations written whose outcome (first final or not) this instance has not read back yet. */
    private final Map<String, RunState> pending = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    @Inject
    RunLiveness(TrainingCoordinator coordinator, RunStore store, RunStateWriter states, RunStateFollower follower,
            TrainingRunPublisher publisher, TrainingConfig config, MeterRegistry meters) {
        this(coordinator, store, states, follower::awaitRead, failed -> publish(publisher, failed),
                config.liveness().heartbeat(), config.liveness().staleAfter(), config.liveness().checkInterval(),
                config.instanceId(), meters, Clock.tickMillis(ZoneOffset.UTC));
    }

    RunLiveness(TrainingCoordinator coordinator, RunStore store, RunStateSink states, ReadBack readBack,
            FailurePublisher publisher, Duration heartbeat, Duration staleAfter, Duration checkInterval,
            String instanceId, MeterRegistry meters, Clock clock) {
        this.coordinator = coordinator;
        this.store = store;
        this.states = states;
        this.readBack = readBack;
        this.publisher = publisher;
        this.heartbeat = heartbeat;
        this.staleAfter = staleAfter;
        this.checkInterval = checkInterval;
        this.instanceId = instanceId;
        this.meters = meters;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "run-liveness");
            t.setDaemon(true);
            return t;
        });
        long beat = heartbeat.toMillis();
        long check = checkInterval.toMillis();
        timer.scheduleWithFixedDelay(guard(this::heartbeat), beat, beat, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(guard(this::check), check, check, TimeUnit.MILLISECONDS);
        LOG.infof("Run liveness of instance %s: heartbeat %s, a silent owner's run failed after %s (checked every %s)",
                instanceId, heartbeat, staleAfter, checkInterval);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
        failOwnRuns();
    }

    /**
     * On a graceful stop the runs of this instance are failed at once, rather than after stale-after: their state
     * and their RunFailed (this instance is their only writer while its heartbeat is fresh).
     */
    void failOwnRuns() {
        Instant now = clock.instant();
        for (Run run : coordinator.liveRuns()) {
            RunState failed = run.stopHere("interrupted: the instance " + instanceId + " that ran it stopped before "
                    + "the run ended", now);
            if (failed == null) {
                continue;
            }
            store.putLocal(failed);
            try {
                states.write(failed).toCompletableFuture().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warnf("Could not write the end of run %s as this instance stops (another instance will fail it "
                        + "after %s): %s", run.runId, staleAfter, e.toString());
                continue;
            }
            publisher.publish(failed.run());
            LOG.warnf("Run %s of %s failed: this instance (%s) is stopping", run.runId, run.useCase, instanceId);
        }
    }

    /** The rule: a live run whose owner has not written for longer than stale-after. */
    public static boolean stale(RunRecord run, Instant now, Duration staleAfter) {
        if (run.status().isFinal()) {
            return false;
        }
        Instant last = run.heartbeatAt() == null ? run.createdAt() : run.heartbeatAt();
        return last.plus(staleAfter).isBefore(now);
    }

    /** The FAILED state another instance writes for a silent owner's run: the next revision, written by it. */
    public static RunState declaredFailed(RunState silent, String declaredBy, Duration staleAfter, Instant now) {
        RunRecord run = silent.run();
        Instant last = run.heartbeatAt() == null ? run.createdAt() : run.heartbeatAt();
        String why = "the instance " + run.owner() + " that ran it went silent: no heartbeat since " + last
                + ", more than " + staleAfter + " (declared failed by " + declaredBy + ")";
        return new RunState(run.ended(RunStatus.FAILED, why, now), silent.revision() + 1, declaredBy);
    }

    /** Writes the state of every live run this instance owns; gives up a run another instance ended meanwhile. */
    void heartbeat() {
        for (Run run : coordinator.liveRuns()) {
            if (run.abandoned()) {
                continue;
            }
            Optional<RunState> shared = store.shared(run.runId);
            if (shared.isPresent() && shared.get().isFinal() && !instanceId.equals(shared.get().writer())) {
                RunRecord ended = shared.get().run();
                run.abandon(ended);
                // Written again so that the last record of the run on the compacted topic is its end, whatever
                // heartbeat of ours went out between that end and now
                states.write(shared.get());
                meters.counter("brigade.training.runs.abandoned", "use_case", run.useCase).increment();
                LOG.warnf("Run %s of %s was ended (%s) by instance %s while this instance (%s) ran it: stopping it."
                        + " Reason: %s", run.runId, run.useCase, ended.status(), shared.get().writer(), instanceId,
                        ended.statusReason());
                continue;
            }
            try {
                run.store(store, states);
            } catch (RunAbandonedException e) {
                // ended meanwhile
            }
        }
    }

    /** Declares the runs of silent owners failed; publishes RunFailed for those where this declaration won. */
    void check() throws InterruptedException {
        Instant now = clock.instant();
        settle();
        for (RunState live : store.sharedLive()) {
            if (coordinator.runsHere(live.runId()) || pending.containsKey(live.runId())
                    || !stale(live.run(), now, staleAfter)) {
                continue;
            }
            RunState failed = declaredFailed(live, instanceId, staleAfter, now);
            pending.put(failed.runId(), failed);
            try {
                RunStateSink.Written at = states.write(failed).toCompletableFuture()
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                readBack.awaitRead(at, WAIT);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                pending.remove(failed.runId());
                LOG.warnf("Could not declare run %s failed (next check retries): %s", failed.runId(), e.toString());
                continue;
            }
            settle();
        }
    }

    /**
     * For each declaration written: once the shared view has the run's first final state, publish RunFailed if that
     * state is this declaration (exactly one instance's is), and forget it.
     */
    private void settle() {
        for (RunState declared : pending.values()) {
            Optional<RunState> shared = store.shared(declared.runId());
            if (shared.isEmpty() || !shared.get().isFinal()) {
                continue;
            }
            pending.remove(declared.runId());
            RunState first = shared.get();
            if (first.revision() == declared.revision() && instanceId.equals(first.writer())) {
                RunRecord run = first.run();
                publisher.publish(run);
                meters.counter("brigade.training.runs.declared.failed", "use_case", run.useCase()).increment();
                LOG.warnf("Run %s of %s declared FAILED by this instance (%s): %s", run.runId(), run.useCase(),
                        instanceId, run.statusReason());
            } else {
                LOG.infof("Run %s of %s was ended by instance %s first (%s); nothing more to do",
                        declared.runId(), declared.run().useCase(), first.writer(), first.run().status());
            }
        }
    }

    private static void publish(TrainingRunPublisher publisher, RunRecord run) {
        try {
            publisher.publish(RunEventMapper.failed(run, run.finishedAt())).toCompletableFuture()
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("Could not publish RunFailed of run %s: %s", run.runId(), e.toString());
        }
    }

    private static Runnable guard(ThrowingRunnable task) {
        return () -> {
            try {
                task.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // A failed pass must not cancel the schedule: the next one tries again
                LOG.warnf("Run liveness pass failed: %s", e.toString());
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws InterruptedException;
    }
}
