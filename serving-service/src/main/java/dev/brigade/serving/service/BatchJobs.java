package dev.brigade.serving.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.BatchJob;
import dev.brigade.serving.Deployment;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.Refusal;
import dev.brigade.serving.Variant;
import dev.brigade.serving.config.BatchConfig;

/**
 * One-off batch jobs: score the point-in-time vectors the feature-service already computed from raw-events
 * (feature-vectors, one per event per feature-set version) whose eventTime is in [from, to) and whose feature set and
 * version are the model's lineage, with the champion (or a given loaded version), and produce a ScoreProduced with the
 * job id on scores for each. The vectors are scored by {@link ScoringService#scoreComputed}: the online path's
 * contract order, imputation and scorer, so a version gives the same score in a job as online for the same inputs.
 *
 * <p>This class admits jobs (range, model, at most {@code batch.jobs.max-running} at a time) and keeps them; each runs
 * on its own thread ({@link JobScan}) and tallies what it produced ({@link JobStats}). Its scores are not logged to
 * predictions: a back-scoring is not production traffic, and the monitor must not count it as such.
 */
@ApplicationScoped
public class BatchJobs {

    private static final Logger LOG = Logger.getLogger(BatchJobs.class);

    private final ModelStore models;
    private final BatchConfig config;
    private final JobScan scan;
    private final Clock clock;
    private final ExecutorService runner;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();

    BatchJobs(ModelStore models, ScorePublisher scores, BatchConfig config, KafkaClients clients,
            TopicNames names) {
        this.models = models;
        this.config = config;
        this.clock = Clock.systemUTC();
        this.scan = new JobScan(clients, names, scores, config.jobs(), clock);
        AtomicInteger n = new AtomicInteger();
        this.runner = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "batch-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        jobs.values().forEach(j -> j.cancelled.set(true));
        runner.shutdownNow();
    }

    /** What a caller asks for; version null means the champion. */
    public record Request(String useCase, Instant from, Instant to, Integer version) {
    }

    /**
     * Validates and starts a job off the caller's thread.
     *
     * @throws Refusal a bad range, an unknown use case, no champion (or the version asked for is not loaded), as many
     *         jobs running as allowed
     */
    public BatchJob start(Request request, String requestedBy) {
        List<FieldError> errors = checkRange(request.from(), request.to(), config.jobs().maxRange(), clock.instant());
        if (!errors.isEmpty()) {
            throw new Refusal(Refusal.Reason.INVALID_REQUEST, "invalid batch job", errors);
        }
        Deployment deployment = models.deployment(request.useCase());
        if (deployment == null) {
            throw new Refusal(Refusal.Reason.UNKNOWN_USE_CASE, "no use case named " + request.useCase()
                    + " is registered", List.of(new FieldError("useCase", "unknown use case " + request.useCase())));
        }
        LoadedModel model;
        Variant variant;
        if (request.version() == null) {
            if (deployment.champion() == null) {
                throw new Refusal(Refusal.Reason.NO_CHAMPION, request.useCase() + " has no champion loaded"
                        + (deployment.notes().isEmpty() ? "" : ": " + String.join("; ", deployment.notes())),
                        List.of(new FieldError("useCase", "no champion loaded")));
            }
            model = deployment.champion();
            variant = Variant.CHAMPION;
        } else {
            model = deployment.models().filter(m -> m.version() == request.version()).findFirst()
                    .orElseThrow(() -> new Refusal(Refusal.Reason.VERSION_NOT_LOADED, "v" + request.version() + " of "
                            + request.useCase() + " is not loaded here (only versions holding an alias, the baseline "
                            + "and the previous champion are)", List.of(new FieldError("version", "not loaded"))));
            variant = variantOf(deployment, model);
        }
        int max = Math.max(1, config.jobs().maxRunning());
        if (running.incrementAndGet() > max) {
            running.decrementAndGet();
            throw new Refusal(Refusal.Reason.BUSY, max + " batch job(s) already running; try again when one ended",
                    List.of());
        }
        Job job = new Job(UUID.randomUUID().toString(), request, model, variant, requestedBy, clock);
        jobs.put(job.id, job);
        forgetOld();
        try {
            runner.execute(() -> run(job));
        } catch (RuntimeException e) {
            running.decrementAndGet();
            job.end(BatchJob.Status.FAILED, "could not start: " + e);
        }
        LOG.infof("Batch job %s started by %s: %s [%s, %s) with v%d (%s), feature set %s v%d", job.id, requestedBy,
                request.useCase(), request.from(), request.to(), model.version(), variant,
                model.info().featureSet(), model.info().featureSetVersion());
        return job.view();
    }

    public BatchJob get(String id) {
        Job job = jobs.get(id);
        return job == null ? null : job.view();
    }

    public List<BatchJob> all() {
        return jobs.values().stream().map(Job::view)
                .sorted((a, b) -> b.startedAt().compareTo(a.startedAt())).toList();
    }

    /** Asks a running job to stop; it ends CANCELLED with the summary of what it produced. Null if unknown. */
    public BatchJob cancel(String id, String by) {
        Job job = jobs.get(id);
        if (job == null) {
            return null;
        }
        if (job.cancelled.compareAndSet(false, true)) {
            LOG.infof("Batch job %s cancelled by %s", id, by);
        }
        return job.view();
    }

    /** Field errors of a job's range: both given, from before to, not longer than maxRange, not in the future. */
    public static List<FieldError> checkRange(Instant from, Instant to, Duration maxRange, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (from == null) {
            errors.add(new FieldError("from", "required: an ISO-8601 instant, e.g. 2026-11-25T00:00:00Z"));
        }
        if (to == null) {
            errors.add(new FieldError("to", "required: an ISO-8601 instant, e.g. 2026-11-26T00:00:00Z"));
        }
        if (from == null || to == null) {
            return errors;
        }
        if (!from.isBefore(to)) {
            errors.add(new FieldError("to", "must be after from (" + from + ")"));
        } else if (Duration.between(from, to).compareTo(maxRange) > 0) {
            errors.add(new FieldError("to", "the range may cover at most " + maxRange.toDays() + " days ("
                    + maxRange + "); feature-vectors are not kept longer"));
        }
        if (to.isAfter(now)) {
            errors.add(new FieldError("to", "must not be in the future: events after now have no vectors yet"));
        }
        return errors;
    }

    private static Variant variantOf(Deployment d, LoadedModel m) {
        if (m == d.champion() || m == d.previousChampion()) {
            return Variant.CHAMPION;
        }
        if (m == d.canary()) {
            return Variant.CANARY;
        }
        return m == d.shadow() ? Variant.SHADOW : Variant.BASELINE;
    }

    private void forgetOld() {
        List<Job> finished = jobs.values().stream().filter(j -> j.status.finished())
                .sorted((a, b) -> b.startedAt.compareTo(a.startedAt)).toList();
        for (int i = Math.max(1, config.jobs().kept()); i < finished.size(); i++) {
            jobs.remove(finished.get(i).id);
        }
    }

    private void run(Job job) {
        try {
            scan.run(job);
            job.end(job.cancelled.get() ? BatchJob.Status.CANCELLED : BatchJob.Status.SUCCEEDED, null);
        } catch (Exception e) {
            LOG.errorf(e, "Batch job %s failed", job.id);
            job.end(BatchJob.Status.FAILED, e.toString());
        } finally {
            running.decrementAndGet();
            BatchJob view = job.view();
            LOG.infof("Batch job %s %s: %d events scored of %d vectors in range, %d records read, %s",
                    job.id, view.status(), view.summary().eventsScored(), view.progress().matched(),
                    view.progress().scanned(), view.summary());
        }
    }

    /** A running or finished job; its progress is written by the job's thread. */
    static final class Job {
        final String id;
        final Request request;
        final LoadedModel model;
        final Variant variant;
        final String requestedBy;
        final Instant startedAt;
        final AtomicBoolean cancelled = new AtomicBoolean();
        final JobStats stats = new JobStats();
        private final Clock clock;
        volatile long total;
        volatile long scanned;
        volatile BatchJob.Status status = BatchJob.Status.RUNNING;
        volatile Instant endedAt;
        volatile String error;

        Job(String id, Request request, LoadedModel model, Variant variant, String requestedBy, Clock clock) {
            this.id = id;
            this.request = request;
            this.model = model;
            this.variant = variant;
            this.requestedBy = requestedBy;
            this.clock = clock;
            this.startedAt = clock.instant();
        }

        void end(BatchJob.Status status, String error) {
            this.error = error;
            this.endedAt = clock.instant();
            this.status = status;
        }

        double fraction() {
            return total == 0 ? (status.finished() ? 1.0 : 0.0) : Math.min(1.0, (double) scanned / total);
        }

        BatchJob view() {
            BatchJob.Status now = status;
            BatchJob.Progress progress = new BatchJob.Progress(scanned, total, fraction(), stats.matched.get(),
                    stats.scored.get());
            long millis = Duration.between(startedAt, endedAt == null ? clock.instant() : endedAt).toMillis();
            return new BatchJob(id, request.useCase(), request.from(), request.to(), model.version(), variant,
                    model.info().featureSet(), model.info().featureSetVersion(), now, requestedBy, startedAt,
                    endedAt, progress, now.finished() ? stats.summary(millis) : null, error);
        }
    }
}
