package dev.brigade.serving.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.ProblemException;
import dev.brigade.serving.BatchJob;
import dev.brigade.serving.Deployment;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.ScoreRequest;
import dev.brigade.serving.Variant;
import dev.brigade.serving.config.BatchConfig;
import dev.brigade.serving.mapping.ScoreMapper;

/**
 * One-off batch jobs: score the point-in-time vectors the feature-service already computed from raw-events
 * (feature-vectors, one per event per feature-set version) whose eventTime is in [from, to) and whose feature set and
 * version are the model's lineage, with the champion (or a given loaded version), and produce a ScoreProduced with the
 * job id on scores for each. The vectors are scored by {@link ScoringService#scoreComputed}: the online path's
 * contract order, imputation and scorer, so a version gives the same score in a job as online for the same inputs.
 *
 * <p>A job reads feature-vectors from the beginning to the end offsets taken when it starts ({@code read_committed}:
 * the feature-service writes in transactions), on its own thread with its own consumer (no group, nothing committed),
 * at most {@code batch.jobs.max-running} at a time. Its scores are not logged to predictions: a back-scoring is not
 * production traffic, and the monitor must not count it as such.
 */
@ApplicationScoped
public class BatchJobs {

    private static final Logger LOG = Logger.getLogger(BatchJobs.class);
    /** Scores kept for the percentiles; beyond it a uniform sample (reservoir) stands for them. */
    static final int SAMPLE = 1_000_000;

    private final ModelStore models;
    private final ScorePublisher scores;
    private final BatchConfig config;
    private final String bootstrapServers;
    private final Clock clock;
    private final ExecutorService runner;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();

    BatchJobs(ModelStore models, ScorePublisher scores, BatchConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.models = models;
        this.scores = scores;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.clock = Clock.systemUTC();
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
     * @throws ProblemException 404 unknown use case, 409 no champion (or the version asked for is not loaded), 422
     *         a bad range, 429 as many jobs running as allowed
     */
    public BatchJob start(Request request, String requestedBy) {
        List<FieldError> errors = checkRange(request.from(), request.to(), config.jobs().maxRange(), clock.instant());
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid-request", "invalid batch job", errors);
        }
        Deployment deployment = models.deployment(request.useCase());
        if (deployment == null) {
            throw new ProblemException(404, "unknown-use-case", "no use case named " + request.useCase()
                    + " is registered", List.of(new FieldError("useCase", "unknown use case " + request.useCase())));
        }
        LoadedModel model;
        Variant variant;
        if (request.version() == null) {
            if (deployment.champion() == null) {
                throw new ProblemException(409, "no-champion", request.useCase() + " has no champion loaded"
                        + (deployment.notes().isEmpty() ? "" : ": " + String.join("; ", deployment.notes())),
                        List.of(new FieldError("useCase", "no champion loaded")));
            }
            model = deployment.champion();
            variant = Variant.CHAMPION;
        } else {
            model = loaded(deployment, request.version());
            if (model == null) {
                throw new ProblemException(409, "version-not-loaded", "v" + request.version() + " of "
                        + request.useCase() + " is not loaded here (only versions holding an alias, the baseline and "
                        + "the previous champion are)", List.of(new FieldError("version", "not loaded")));
            }
            variant = variantOf(deployment, model);
        }
        int max = Math.max(1, config.jobs().maxRunning());
        if (running.incrementAndGet() > max) {
            running.decrementAndGet();
            throw new ProblemException(429, "busy", max + " batch job(s) already running; try again when one ended",
                    List.of());
        }
        Job job = new Job(UUID.randomUUID().toString(), request, model, variant, requestedBy, clock.instant());
        jobs.put(job.id, job);
        forgetOld();
        try {
            runner.execute(() -> run(job));
        } catch (RuntimeException e) {
            running.decrementAndGet();
            job.fail("could not start: " + e);
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

    private static LoadedModel loaded(Deployment d, int version) {
        for (LoadedModel m : new LoadedModel[] {d.champion(), d.canary(), d.shadow(), d.baseline(),
                d.previousChampion()}) {
            if (m != null && m.version() == version) {
                return m;
            }
        }
        return null;
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
            scan(job);
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

    private void scan(Job job) throws InterruptedException {
        EventCodec<FeatureVector> codec = EventCodec.of(FeatureVector.class);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "serving-batch-job-" + job.id);
        Semaphore inFlight = new Semaphore(Math.max(1, config.jobs().maxInFlight()));
        int permits = Math.max(1, config.jobs().maxInFlight());
        long logEvery = config.jobs().progressLogInterval().toNanos();
        long lastLog = System.nanoTime();
        LoadedModel model = job.model;
        String set = model.info().featureSet();
        int setVersion = model.info().featureSetVersion();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(Topics.FEATURE_VECTORS, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> end = new LinkedHashMap<>(consumer.endOffsets(partitions,
                    Duration.ofSeconds(30)));
            job.total = end.entrySet().stream().mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum();
            consumer.seekToBeginning(partitions);
            Set<TopicPartition> open = new HashSet<>();
            end.forEach((tp, offset) -> {
                if (offset > begin.get(tp)) {
                    open.add(tp);
                }
            });
            while (!open.isEmpty() && !job.cancelled.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (!open.contains(tp) || record.offset() >= end.get(tp)) {
                        continue;
                    }
                    FeatureVector vector;
                    try {
                        vector = codec.decode(record.value());
                    } catch (RuntimeException e) {
                        job.failure("undecodable");
                        continue;
                    }
                    if (set.equals(vector.getFeatureSet()) && setVersion == vector.getFeatureSetVersion()
                            && !vector.getEventTime().isBefore(job.request.from())
                            && vector.getEventTime().isBefore(job.request.to())) {
                        job.matched.incrementAndGet();
                        score(job, vector, inFlight);
                    }
                }
                long scanned = 0;
                for (TopicPartition tp : partitions) {
                    long position = consumer.position(tp);
                    scanned += Math.min(position, end.get(tp)) - begin.get(tp);
                    if (position >= end.get(tp)) {
                        open.remove(tp);
                    }
                }
                job.scanned = scanned;
                if (System.nanoTime() - lastLog > logEvery) {
                    lastLog = System.nanoTime();
                    LOG.infof("Batch job %s: %d of %d records read (%.0f%%), %d in range, %d scored", job.id,
                            scanned, job.total, 100.0 * job.fraction(), job.matched.get(), job.scored.get());
                }
            }
        }
        // Every score is acknowledged (or counted as failed) before the job says it ended.
        if (!inFlight.tryAcquire(permits, 2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("scores not acknowledged by Kafka within 2 minutes");
        }
    }

    private void score(Job job, FeatureVector vector, Semaphore inFlight) throws InterruptedException {
        if (!job.seen.add(vector.getEventId())) {
            job.duplicates.incrementAndGet();
            return;
        }
        ScoreRequest request = ScoreMapper.toRequest(vector);
        ScoreAnswer answer;
        try {
            answer = ScoringService.scoreComputed(job.request.useCase(), job.model, job.variant, request,
                    ScoreMapper.toLookup(vector));
        } catch (RuntimeException e) {
            job.failure("model-failure");
            LOG.warnf("Batch job %s: v%d failed on event %s: %s", job.id, job.model.version(),
                    vector.getEventId(), e.toString());
            return;
        }
        inFlight.acquire();
        scores.publish(ScoreMapper.toEvent(answer, null, job.id, vector.getEventTime(), clock.instant()))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        job.scored(answer);
                    } else {
                        job.failure("send-failed");
                    }
                    // Released last: the job waits for every permit before it reports its summary.
                    inFlight.release();
                });
    }

    /** A running or finished job; counters are written by the job's thread and the producer's callbacks. */
    private final class Job {
        final String id;
        final Request request;
        final LoadedModel model;
        final Variant variant;
        final String requestedBy;
        final Instant startedAt;
        final AtomicBoolean cancelled = new AtomicBoolean();
        final Set<String> seen = new HashSet<>();
        final AtomicLong matched = new AtomicLong();
        final AtomicLong scored = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        volatile long total;
        volatile long scanned;
        volatile BatchJob.Status status = BatchJob.Status.RUNNING;
        volatile Instant endedAt;
        volatile String error;
        // Guarded by this: the summary's tallies.
        private final Map<String, Long> byModel = new TreeMap<>();
        private final Map<String, Long> decisions = new TreeMap<>();
        private final Map<String, Long> failures = new TreeMap<>();
        private long imputedEvents;
        private long imputedInputs;
        private double sum;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private double[] sample = new double[1024];
        private long seenScores;
        private final Random reservoir = new Random(42);

        Job(String id, Request request, LoadedModel model, Variant variant, String requestedBy, Instant startedAt) {
            this.id = id;
            this.request = request;
            this.model = model;
            this.variant = variant;
            this.requestedBy = requestedBy;
            this.startedAt = startedAt;
        }

        synchronized void scored(ScoreAnswer answer) {
            scored.incrementAndGet();
            byModel.merge("v" + answer.model().version() + " " + answer.model().variant(), 1L, Long::sum);
            if (answer.decision() != null) {
                decisions.merge(answer.decision(), 1L, Long::sum);
            }
            long imputed = answer.features().values().stream().filter(f -> "IMPUTED".equals(f.status())).count();
            if (imputed > 0) {
                imputedEvents++;
                imputedInputs += imputed;
            }
            double s = answer.score();
            sum += s;
            min = Math.min(min, s);
            max = Math.max(max, s);
            if (seenScores < SAMPLE) {
                if (seenScores == sample.length) {
                    sample = Arrays.copyOf(sample, (int) Math.min(SAMPLE, sample.length * 2L));
                }
                sample[(int) seenScores] = s;
            } else {
                long slot = (long) (reservoir.nextDouble() * (seenScores + 1));
                if (slot < SAMPLE) {
                    sample[(int) slot] = s;
                }
            }
            seenScores++;
        }

        synchronized void failure(String reason) {
            failures.merge(reason, 1L, Long::sum);
        }

        void fail(String why) {
            end(BatchJob.Status.FAILED, why);
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
            BatchJob.Progress progress = new BatchJob.Progress(scanned, total, fraction(), matched.get(),
                    scored.get());
            return new BatchJob(id, request.useCase(), request.from(), request.to(), model.version(), variant,
                    model.info().featureSet(), model.info().featureSetVersion(), now, requestedBy, startedAt,
                    endedAt, progress, now.finished() ? summary() : null, error);
        }

        private synchronized BatchJob.Summary summary() {
            int n = (int) Math.min(seenScores, SAMPLE);
            BatchJob.Scores stats = null;
            if (n > 0) {
                double[] sorted = Arrays.copyOf(sample, n);
                Arrays.sort(sorted);
                stats = new BatchJob.Scores(sum / seenScores, min, percentile(sorted, 0.50), percentile(sorted, 0.95),
                        max, seenScores <= SAMPLE);
            }
            long millis = Duration.between(startedAt, endedAt == null ? clock.instant() : endedAt).toMillis();
            return new BatchJob.Summary(scored.get(), Map.copyOf(byModel), imputedEvents, imputedInputs, stats,
                    Map.copyOf(decisions), Map.copyOf(failures), duplicates.get(), millis);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
