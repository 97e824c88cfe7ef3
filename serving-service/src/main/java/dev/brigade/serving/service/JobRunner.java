package dev.brigade.serving.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.BatchJob;
import dev.brigade.serving.JobState;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.config.BatchConfig;

/**
 * Who runs which batch job: the replicas share batch-jobs' partitions through the consumer group
 * {@code serving-service-batch}, and a replica runs the unfinished jobs (QUEUED, or RUNNING whose owner went away)
 * whose key is in a partition it owns. The group consumer reads nothing (its partitions are paused): the
 * {@link JobsView} has every state; the group only says who owns what. A new owner resumes a job from its last
 * checkpoint as a new attempt. When partitions are revoked (a rebalance, a shutdown) the jobs on them stop, write a
 * checkpoint and are left RUNNING for the next owner; closing leaves the group so the others take over at once.
 */
public final class JobRunner implements AutoCloseable {

    /** The loaded model of a job's use case and version, if this replica has it loaded. */
    @FunctionalInterface
    public interface Models {
        Optional<LoadedModel> find(String useCase, int version);
    }

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    public static final String GROUP = "serving-service-batch";

    private final KafkaClients clients;
    private final TopicNames names;
    private final JobsView view;
    private final JobStateWriter writer;
    private final Models models;
    private final JobScan scan;
    private final BatchConfig.Jobs config;
    private final String instance;
    private final Clock clock;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, Instant> waitingForModel = new ConcurrentHashMap<>();
    private final Thread thread;
    private final AtomicInteger threads = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong resumes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean open = true;
    /** Tests only: stop as a crash would, without the hand-over checkpoint. */
    private volatile boolean abandoned;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /** One attempt on this replica. */
    private static final class Running {
        final int partition;
        final CountDownLatch ended = new CountDownLatch(1);
        volatile boolean stop;

        Running(int partition) {
            this.partition = partition;
        }
    }

    JobRunner(KafkaClients clients, TopicNames names, JobsView view, JobStateWriter writer, Models models,
            JobScan scan, BatchConfig.Jobs config, String instance, Clock clock) {
        this.clients = clients;
        this.names = names;
        this.view = view;
        this.writer = writer;
        this.models = models;
        this.scan = scan;
        this.config = config;
        this.instance = instance;
        this.clock = clock;
        this.thread = new Thread(this::loop, "batch-job-runner");
        this.thread.setDaemon(true);
    }

    JobRunner start() {
        thread.start();
        return this;
    }

    public String instance() {
        return instance;
    }

    /** The batch-jobs partitions this replica owns now. */
    public Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    /** Attempts this replica started on a job another attempt had run before (a takeover or a restart). */
    public long resumes() {
        return resumes.get();
    }

    /** Jobs running on this replica now. */
    public Set<String> running() {
        return Set.copyOf(running.keySet());
    }

    private void loop() {
        long session = config.sessionTimeout().toMillis();
        Map<String, Object> props = Map.of(ConsumerConfig.GROUP_ID_CONFIG, names.group(GROUP),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, session / 3),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                // only the partitions that move are revoked: a replica joining does not stop every running job
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try {
            consumer = clients.consumer("serving-batch-runner", props);
            consumer.subscribe(List.of(names.topic(Topics.BATCH_JOBS)), new Listener());
            while (open) {
                try {
                    consumer.poll(Duration.ofMillis(200));
                    // the group only says who owns what: the view has every record
                    consumer.pause(consumer.assignment());
                    if (view.caughtUp()) {
                        schedule();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warnf("Batch-job runner: %s; retrying in 1 s", e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException | InterruptedException closing) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "Batch-job runner stopped");
        } finally {
            stopAll(running.keySet());
            if (consumer != null) {
                // leaves the group: the others are given this replica's partitions at once (a test's kill stays
                // in it, as a replica that died does, until the session timeout)
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)).withGroupMembershipOperation(abandoned
                        ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                        : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            }
            owned.clear();
        }
    }

    private final class Listener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> owned.add(tp.partition()));
            LOG.infof("Batch jobs: %s now owns batch-jobs partitions %s", instance, owned.stream().sorted().toList());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<Integer> revoked = new java.util.HashSet<>();
            partitions.forEach(tp -> revoked.add(tp.partition()));
            owned.removeAll(revoked);
            // checkpoint before the next owner is given them, so it resumes where these stopped
            stopAll(running.entrySet().stream().filter(e -> revoked.contains(e.getValue().partition))
                    .map(Map.Entry::getKey).toList());
            if (!revoked.isEmpty()) {
                LOG.infof("Batch jobs: %s gave up batch-jobs partitions %s", instance, revoked.stream().sorted()
                        .toList());
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }

    private void stopAll(Collection<String> ids) {
        List<Running> stopping = ids.stream().map(running::get).filter(r -> r != null).toList();
        stopping.forEach(r -> r.stop = true);
        long deadline = System.nanoTime() + config.handoverTimeout().toNanos();
        for (Running r : stopping) {
            try {
                r.ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Starts every unfinished job of an owned partition that does not run here yet. */
    private void schedule() {
        for (JobsView.Entry entry : view.unfinished()) {
            JobState job = entry.state();
            if (!owned.contains(entry.partition()) || running.containsKey(job.id())) {
                continue;
            }
            Optional<LoadedModel> model = models.find(job.useCase(), job.modelVersion());
            if (model.isEmpty()) {
                Instant since = waitingForModel.computeIfAbsent(job.id(), id -> clock.instant());
                if (Duration.between(since, clock.instant()).compareTo(config.modelWait()) > 0) {
                    waitingForModel.remove(job.id());
                    fail(job, "v" + job.modelVersion() + " of " + job.useCase() + " is not loaded on " + instance
                            + " (waited " + config.modelWait() + ")");
                }
                continue;
            }
            waitingForModel.remove(job.id());
            Running r = new Running(entry.partition());
            running.put(job.id(), r);
            Thread t = new Thread(() -> attempt(job, model.get(), r), "batch-job-" + threads.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    private void fail(JobState job, String error) {
        try {
            JobState started = job.startedBy(instance, job.partitions(), clock.instant());
            write(started.checkpoint(BatchJob.Status.FAILED, started.partitions(), started.tally(), error,
                    clock.instant()), true);
            LOG.errorf("Batch job %s failed: %s", job.id(), error);
        } catch (RuntimeException e) {
            LOG.warnf("Batch job %s: could not write its failure: %s", job.id(), e.toString());
        }
    }

    private void attempt(JobState job, LoadedModel model, Running r) {
        try {
            if (job.cancelRequested()) {
                JobState started = job.startedBy(instance, job.partitions(), clock.instant());
                write(started.checkpoint(BatchJob.Status.CANCELLED, started.partitions(), started.tally(),
                        null, clock.instant()), true);
                LOG.infof("Batch job %s cancelled before it started", job.id());
                return;
            }
            boolean resuming = job.attempt() > 0;
            List<JobState.Range> ranges = job.partitions().isEmpty() ? scan.ranges(job.id()) : job.partitions();
            JobState started = job.startedBy(instance, ranges, clock.instant());
            view.awaitApplied(writer.write(started), Duration.ofSeconds(10));
            JobState standing = view.get(job.id());
            if (standing == null || standing.attempt() != started.attempt() || standing.finished()) {
                LOG.infof("Batch job %s: not started by %s, the topic says %s (attempt %s)", job.id(), instance,
                        standing == null ? "nothing" : standing.status(), standing == null ? "-" : standing.attempt());
                return;
            }
            if (resuming) {
                resumes.incrementAndGet();
                LOG.infof("Batch job %s resumed by %s (attempt %d, was %s), from %d of %d records read", job.id(),
                        instance, started.attempt(), job.owner(), started.scanned(), started.total());
            } else {
                LOG.infof("Batch job %s started by %s: %s [%s, %s) with v%d (%s), %d records", job.id(), instance,
                        job.useCase(), job.from(), job.to(), job.modelVersion(), job.variant(), started.total());
            }
            JobState[] last = {started};
            JobScan.Attempt attempt = new JobScan.Attempt(started,
                    model, () -> cancelRequested(job.id()), () -> r.stop || superseded(job.id(), started.attempt()));
            JobScan.End end = scan.run(attempt, a -> last[0] = checkpoint(last[0], a, BatchJob.Status.RUNNING,
                    false, null));
            switch (end) {
                case COMPLETED -> finish(last[0], attempt, BatchJob.Status.SUCCEEDED, true, null);
                case CANCELLED -> finish(last[0], attempt, BatchJob.Status.CANCELLED, false, null);
                case STOPPED -> {
                    if (superseded(job.id(), started.attempt())) {
                        LOG.warnf("Batch job %s: a later attempt runs it elsewhere; %s stops without writing",
                                job.id(), instance);
                    } else if (abandoned) {
                        LOG.warnf("Batch job %s abandoned by %s without a checkpoint", job.id(), instance);
                    } else {
                        JobState handover = last[0].checkpoint(BatchJob.Status.RUNNING, attempt.ranges(false),
                                attempt.stats.snapshot(config.sampleSize()), null, clock.instant());
                        write(handover, true);
                        LOG.infof("Batch job %s handed over by %s at %d of %d records read (checkpointed)",
                                job.id(), instance, attempt.scanned(), started.total());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Batch job %s failed", job.id());
            JobState standing = view.get(job.id());
            if (standing != null && !standing.finished() && standing.owner() != null
                    && standing.owner().equals(instance)) {
                try {
                    write(standing.checkpoint(BatchJob.Status.FAILED, standing.partitions(),
                            standing.tally(), e.toString(), clock.instant()), true);
                } catch (RuntimeException ignored) {
                    // the next owner resumes it
                }
            }
        } finally {
            running.remove(job.id());
            r.ended.countDown();
        }
    }

    private void finish(JobState last, JobScan.Attempt attempt, BatchJob.Status status, boolean completed,
            String error) {
        JobState end = checkpoint(last, attempt, status, completed, error);
        BatchJob v = end.view();
        LOG.infof("Batch job %s %s on %s (attempt %d): %d events scored of %d vectors in range, %d records read, %s",
                end.id(), status, instance, end.attempt(), v.summary().eventsScored(), v.progress().matched(),
                v.progress().scanned(), v.summary());
    }

    private JobState checkpoint(JobState last, JobScan.Attempt attempt, BatchJob.Status status, boolean completed,
            String error) {
        JobState next = last.checkpoint(status, attempt.ranges(completed), attempt.stats.snapshot(config.sampleSize()),
                error, clock.instant());
        write(next, status.finished());
        return next;
    }

    /**
     * A final state (or a hand-over) is waited for in this replica's view: until then the scheduler would still see
     * the job unfinished and not running here, and start it again.
     */
    private void write(JobState state, boolean await) {
        var written = writer.write(state);
        if (await) {
            try {
                view.awaitApplied(written, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean cancelRequested(String id) {
        JobState standing = view.get(id);
        return standing != null && standing.cancelRequested();
    }

    private boolean superseded(String id, int attempt) {
        JobState standing = view.get(id);
        return standing != null && standing.attempt() > attempt;
    }

    /**
     * Tests only: stops like a replica that died: its jobs left at their last periodic checkpoint, the group not told
     * (the others get its partitions after the session timeout).
     */
    void kill() {
        abandoned = true;
        close();
    }

    @Override
    public void close() {
        open = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(config.handoverTimeout().toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
