package dev.brigade.serving.service;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.platform.kafka.TopicScan;
import dev.brigade.serving.JobState;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.config.BatchConfig;
import dev.brigade.serving.mapping.ScoreMapper;

/**
 * One attempt of a batch job: read feature-vectors from each partition's next offset to the end offset taken when the
 * job first started (the platform's {@link TopicScan}: {@code read_committed}, as the feature-service writes in
 * transactions; no group), score each vector of the model's feature set and version whose eventTime is in the job's
 * range, and send its ScoreProduced with at most {@code batch.jobs.max-in-flight} unacknowledged.
 *
 * <p>Every {@code checkpoint-interval} it waits until every score sent is acknowledged and hands the attempt's
 * progress (next offsets) and tally to the checkpoint: what a successor resumes from. A resumed attempt first re-reads
 * the part already done, without scoring, to know which events this job already scored (a vector sent twice is
 * counted as a duplicate, not scored twice, across a resume too).
 */
final class JobScan {

    private static final Logger LOG = Logger.getLogger(JobScan.class);
    private static final EventCodec<FeatureVector> CODEC = EventCodec.of(FeatureVector.class);

    /** How an attempt ended. */
    enum End {
        COMPLETED, CANCELLED, STOPPED
    }

    /** What an attempt scans with, and what it is told between polls. */
    static final class Attempt {
        final JobState started;
        final LoadedModel model;
        final JobStats stats;
        final Map<Integer, Long> next = new ConcurrentHashMap<>();
        final BooleanSupplier cancelled;
        final BooleanSupplier stop;

        Attempt(JobState started, LoadedModel model, BooleanSupplier cancelled, BooleanSupplier stop) {
            this.started = started;
            this.model = model;
            this.stats = new JobStats(started.tally());
            this.cancelled = cancelled;
            this.stop = stop;
            started.partitions().forEach(r -> next.put(r.partition(), r.next()));
        }

        /** The ranges with the next offsets reached; {@code completed} moves every one to its end. */
        List<JobState.Range> ranges(boolean completed) {
            return started.partitions().stream().map(r -> new JobState.Range(r.partition(), r.from(), r.to(),
                    completed ? r.to() : Math.max(r.next(), next.getOrDefault(r.partition(), r.next())))).toList();
        }

        long scanned() {
            return ranges(false).stream().mapToLong(JobState.Range::scanned).sum();
        }
    }

    /** Hands a checkpoint of the attempt to be written; called with every score so far acknowledged. */
    @FunctionalInterface
    interface Checkpoint {
        void write(Attempt attempt);
    }

    private final KafkaClients clients;
    private final TopicNames names;
    private final Function<ScoreProduced, CompletionStage<Void>> scores;
    private final BatchConfig.Jobs config;
    private final Clock clock;

    JobScan(KafkaClients clients, TopicNames names, Function<ScoreProduced, CompletionStage<Void>> scores,
            BatchConfig.Jobs config, Clock clock) {
        this.clients = clients;
        this.names = names;
        this.scores = scores;
        this.config = config;
        this.clock = clock;
    }

    /** The job's ranges, taken when it first starts: each feature-vectors partition's beginning and end now. */
    List<JobState.Range> ranges(String jobId) {
        try (TopicScan scan = TopicScan.open(clients, "serving-batch-job-" + jobId + "-ranges", Map.of())) {
            return scan.wholeTopic(names.topic(Topics.FEATURE_VECTORS), Duration.ofSeconds(30)).stream()
                    .map(r -> new JobState.Range(r.partition().partition(), r.from(), r.to(), r.from())).toList();
        }
    }

    /** Reads and scores until the ranges end, the job is cancelled or the attempt told to stop. */
    End run(Attempt attempt, Checkpoint checkpoint) throws InterruptedException {
        String id = attempt.started.id();
        String topic = names.topic(Topics.FEATURE_VECTORS);
        Set<String> seen = new HashSet<>();
        List<TopicScan.Range> done = new ArrayList<>();
        List<TopicScan.Range> todo = new ArrayList<>();
        for (JobState.Range r : attempt.started.partitions()) {
            TopicPartition tp = new TopicPartition(topic, r.partition());
            done.add(new TopicScan.Range(tp, r.from(), r.next()));
            todo.add(new TopicScan.Range(tp, r.next(), r.to()));
        }
        long before = attempt.scanned();
        if (before > 0) {
            try (TopicScan scan = TopicScan.open(clients, "serving-batch-job-" + id + "-seen", Map.of())) {
                scan.read(done, attempt.stop, record -> {
                    try {
                        FeatureVector vector = CODEC.decode(record.value());
                        if (matches(attempt, vector)) {
                            seen.add(vector.getEventId());
                        }
                    } catch (RuntimeException undecodable) {
                        // counted when it was first read
                    }
                }, scanned -> { });
            }
            LOG.infof("Batch job %s: resuming at %d of %d records (%d events already scored by this job)", id,
                    before, attempt.started.total(), seen.size());
        }
        int permits = Math.max(1, config.maxInFlight());
        Semaphore inFlight = new Semaphore(permits);
        long[] lastLog = {System.nanoTime()};
        long[] lastCheckpoint = {System.nanoTime()};
        boolean completed;
        BooleanSupplier stopping = () -> attempt.stop.getAsBoolean() || attempt.cancelled.getAsBoolean();
        // smaller polls than the scan's default: a stop and a checkpoint come between polls
        try (TopicScan scan = TopicScan.open(clients, "serving-batch-job-" + id,
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500))) {
            completed = scan.read(todo, stopping,
                    record -> {
                        if (stopping.getAsBoolean()) {
                            return; // the rest of the poll is left for the next attempt: next does not move
                        }
                        accept(attempt, record, seen, inFlight);
                        attempt.next.merge(record.partition(), record.offset() + 1, Math::max);
                    }, scanned -> {
                        if (System.nanoTime() - lastCheckpoint[0] > config.checkpointInterval().toNanos()) {
                            drain(inFlight, permits);
                            checkpoint.write(attempt);
                            inFlight.release(permits);
                            lastCheckpoint[0] = System.nanoTime();
                        }
                        if (System.nanoTime() - lastLog[0] > config.progressLogInterval().toNanos()) {
                            lastLog[0] = System.nanoTime();
                            LOG.infof("Batch job %s: %d of %d records read, %d in range, %d scored", id,
                                    before + scanned, attempt.started.total(), attempt.stats.matched.get(),
                                    attempt.stats.scored.get());
                        }
                    });
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw e;
        }
        // Every score is acknowledged (or counted as failed) before the attempt says how it ended.
        drain(inFlight, permits);
        if (completed) {
            return End.COMPLETED;
        }
        return attempt.cancelled.getAsBoolean() ? End.CANCELLED : End.STOPPED;
    }

    private static void drain(Semaphore inFlight, int permits) {
        try {
            if (!inFlight.tryAcquire(permits, 2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("scores not acknowledged by Kafka within 2 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to acknowledge scores", e);
        }
    }

    /** Of the job's feature set and version, and in its range. */
    private static boolean matches(Attempt attempt, FeatureVector vector) {
        JobState job = attempt.started;
        return attempt.model.info().featureSet().equals(vector.getFeatureSet())
                && attempt.model.info().featureSetVersion() == vector.getFeatureSetVersion()
                && !vector.getEventTime().isBefore(job.from()) && vector.getEventTime().isBefore(job.to());
    }

    private void accept(Attempt attempt, ConsumerRecord<String, byte[]> record, Set<String> seen,
            Semaphore inFlight) {
        FeatureVector vector;
        try {
            vector = CODEC.decode(record.value());
        } catch (RuntimeException e) {
            attempt.stats.failure("undecodable");
            return;
        }
        if (matches(attempt, vector)) {
            attempt.stats.matched.incrementAndGet();
            if (seen.add(vector.getEventId())) {
                score(attempt, vector, inFlight);
            } else {
                attempt.stats.duplicates.incrementAndGet();
            }
        }
    }

    private void score(Attempt attempt, FeatureVector vector, Semaphore inFlight) {
        JobState job = attempt.started;
        ScoreAnswer answer;
        try {
            answer = ScoringService.scoreComputed(job.useCase(), attempt.model, job.variant(),
                    ScoreMapper.toRequest(vector), ScoreMapper.toLookup(vector));
        } catch (RuntimeException e) {
            attempt.stats.failure("model-failure");
            LOG.warnf("Batch job %s: v%d failed on event %s: %s", job.id(), attempt.model.version(),
                    vector.getEventId(), e.toString());
            return;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to acknowledge scores", e);
        }
        scores.apply(ScoreMapper.toEvent(answer, null, job.id(), vector.getEventTime(), clock.instant()))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        attempt.stats.scored(answer);
                    } else {
                        attempt.stats.failure("send-failed");
                    }
                    // Released last: a checkpoint and the end wait for every permit.
                    inFlight.release();
                });
    }
}
