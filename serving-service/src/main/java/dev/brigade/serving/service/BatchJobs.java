package dev.brigade.serving.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.BatchJob;
import dev.brigade.serving.Deployment;
import dev.brigade.serving.JobState;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.Refusal;
import dev.brigade.serving.Variant;
import dev.brigade.serving.config.BatchConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * One-off batch jobs: score the point-in-time vectors the feature-service already computed from raw-events
 * (feature-vectors, one per event per feature-set version) whose eventTime is in [from, to) and whose feature set and
 * version are the model's lineage, with the champion (or a given loaded version), and produce a ScoreProduced with the
 * job id on scores for each. The vectors are scored by {@link ScoringService#scoreComputed}: the online path's
 * contract order, imputation and scorer, so a version gives the same score in a job as online for the same inputs.
 *
 * <p>This class admits jobs (range, model, at most {@code batch.jobs.max-running} unfinished across all replicas) by
 * writing them QUEUED to the compacted batch-jobs topic, and answers from {@link JobsView}, the fold of that topic,
 * so every replica answers the same and a job outlives the replica that accepted or ran it. The {@link JobRunner}
 * of the replica owning the job's partition runs it ({@link JobScan}, tallied by {@link JobStats}), checkpointing to
 * the same topic. Its scores are not logged to predictions: a back-scoring is not production traffic, and the
 * monitor must not count it as such.
 */
@ApplicationScoped
public class BatchJobs {

    private static final Logger LOG = Logger.getLogger(BatchJobs.class);
    private static final Duration READ_YOUR_WRITE = Duration.ofSeconds(10);

    private final ModelStore models;
    private final BatchConfig config;
    private final Clock clock;
    private final JobsView view;
    private final JobStateWriter writer;
    private final JobRunner runner;

    BatchJobs(ModelStore models, ScorePublisher scores, BatchConfig config, KafkaClients clients,
            TopicNames names, MeterRegistry meters) {
        this.models = models;
        this.config = config;
        this.clock = Clock.systemUTC();
        this.view = new JobsView(clients, names, "serving-batch-jobs-view", config.jobs().kept());
        this.writer = new JobStateWriter(clients, names, "serving-batch-jobs-writer", Duration.ofSeconds(30));
        JobScan scan = new JobScan(clients, names, scores::publish, config.jobs(), clock);
        this.runner = new JobRunner(clients, names, view, writer, this::loaded, scan, config.jobs(),
                config.jobs().instanceId(), clock);
        // what a takeover shows on /q/metrics: the partitions this replica owns, its jobs, the resumes it made
        Gauge.builder("brigade.serving.batch.jobs.owned.partitions", runner, r -> r.owned().size())
                .description("batch-jobs partitions whose jobs this replica runs").register(meters);
        Gauge.builder("brigade.serving.batch.jobs.running", runner, r -> r.running().size())
                .description("Batch jobs running on this replica").register(meters);
        FunctionCounter.builder("brigade.serving.batch.jobs.resumed", runner, JobRunner::resumes)
                .description("Batch jobs this replica resumed from another attempt's checkpoint").register(meters);
    }

    private Optional<LoadedModel> loaded(String useCase, int version) {
        Deployment deployment = models.deployment(useCase);
        return deployment == null ? Optional.empty()
                : deployment.models().filter(m -> m.version() == version).findFirst();
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 20) StartupEvent start) {
        view.start();
        runner.start();
        LOG.infof("Batch jobs: instance %s follows batch-jobs and joins group %s", config.jobs().instanceId(),
                JobRunner.GROUP);
    }

    /** Graceful shutdown: running jobs checkpoint and the group is left, so another replica resumes them at once. */
    void stop(@Observes ShutdownEvent stop) {
        runner.close();
        writer.close();
        view.close();
    }

    /** Liveness of the view: a replay that stopped must restart the service. */
    public boolean viewAlive() {
        return view.alive();
    }

    /** Readiness: the view read batch-jobs up to where it ended at start, so it answers as the other replicas do. */
    public boolean viewCaughtUp() {
        return view.caughtUp();
    }

    /** The batch-jobs partitions this replica runs the jobs of now. */
    public java.util.Set<Integer> ownedPartitions() {
        return runner.owned();
    }

    /** What a caller asks for; version null means the champion. */
    public record Request(String useCase, Instant from, Instant to, Integer version) {
    }

    /**
     * Validates the job and writes it QUEUED; the replica owning its partition starts it.
     *
     * @throws Refusal a bad range, an unknown use case, no champion (or the version asked for is not loaded), as many
     *         jobs unfinished across the replicas as allowed
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
        if (!admits(view.all(), max)) {
            throw new Refusal(Refusal.Reason.BUSY, max + " batch job(s) already running; try again when one ended",
                    List.of());
        }
        JobState job = JobState.accepted(UUID.randomUUID().toString(), request.useCase(), request.from(),
                request.to(), model.version(), variant, model.info().featureSet(), model.info().featureSetVersion(),
                requestedBy, config.jobs().instanceId(), clock.instant());
        RecordMetadata written = writer.write(job);
        awaitApplied(written);
        LOG.infof("Batch job %s accepted by %s for %s: %s [%s, %s) with v%d (%s), feature set %s v%d; batch-jobs "
                + "partition %d", job.id(), config.jobs().instanceId(), requestedBy, request.useCase(), request.from(),
                request.to(), model.version(), variant, model.info().featureSet(), model.info().featureSetVersion(),
                written.partition());
        JobState standing = view.get(job.id());
        return (standing == null ? job : standing).view();
    }

    /**
     * Room for one more job: fewer than {@code max} QUEUED or RUNNING in the shared view. Two replicas admitting at
     * the same moment may each see the other's job only after its write reached their view (milliseconds): then one
     * more than max may be admitted; it runs as any other.
     */
    public static boolean admits(Collection<JobState> jobs, int max) {
        return jobs.stream().filter(j -> !j.finished()).count() < max;
    }

    public BatchJob get(String id) {
        JobState job = view.get(id);
        return job == null ? null : job.view();
    }

    public List<BatchJob> all() {
        return view.all().stream().map(JobState::view).toList();
    }

    /**
     * Asks a job to stop, on whichever replica runs it: writes the cancellation to batch-jobs; the runner sees it
     * between polls and ends the job CANCELLED with the summary of what it produced. Null if unknown.
     */
    public BatchJob cancel(String id, String by) {
        JobState job = view.get(id);
        if (job == null) {
            return null;
        }
        if (!job.cancelRequested() && !job.finished()) {
            awaitApplied(writer.write(job.cancelledBy(by, clock.instant())));
            LOG.infof("Batch job %s cancelled by %s on %s", id, by, config.jobs().instanceId());
        }
        JobState standing = view.get(id);
        return (standing == null ? job : standing).view();
    }

    private void awaitApplied(RecordMetadata written) {
        try {
            if (!view.awaitApplied(written, READ_YOUR_WRITE)) {
                LOG.warnf("Batch jobs: this replica's view did not reach its own write at %d@%d within %s",
                        written.partition(), written.offset(), READ_YOUR_WRITE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
}
