package dev.brigade.serving.service;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicScan;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.config.BatchConfig;
import dev.brigade.serving.mapping.ScoreMapper;

/**
 * One batch job's work: read feature-vectors from the beginning to the end offsets taken at its start (the platform's
 * {@link TopicScan}: {@code read_committed}, as the feature-service writes in transactions; no group, nothing
 * committed), score each vector of the model's feature set and version whose eventTime is in the job's range, and
 * send its ScoreProduced with at most {@code batch.jobs.max-in-flight} unacknowledged.
 */
final class JobScan {

    private static final Logger LOG = Logger.getLogger(JobScan.class);
    private static final EventCodec<FeatureVector> CODEC = EventCodec.of(FeatureVector.class);

    private final KafkaClients clients;
    private final TopicNames names;
    private final ScorePublisher scores;
    private final BatchConfig.Jobs config;
    private final Clock clock;

    JobScan(KafkaClients clients, TopicNames names, ScorePublisher scores, BatchConfig.Jobs config, Clock clock) {
        this.clients = clients;
        this.names = names;
        this.scores = scores;
        this.config = config;
        this.clock = clock;
    }

    /** Reads and scores until the ranges end or the job is cancelled; returns once every score is acknowledged. */
    void run(BatchJobs.Job job) throws InterruptedException {
        int permits = Math.max(1, config.maxInFlight());
        Semaphore inFlight = new Semaphore(permits);
        Set<String> seen = new HashSet<>();
        long[] lastLog = {System.nanoTime()};
        try (TopicScan scan = TopicScan.open(clients, "serving-batch-job-" + job.id, Map.of())) {
            List<TopicScan.Range> ranges = scan.wholeTopic(names.topic(Topics.FEATURE_VECTORS),
                    Duration.ofSeconds(30));
            job.total = ranges.stream().mapToLong(TopicScan.Range::size).sum();
            scan.read(ranges, job.cancelled::get, record -> accept(job, record, seen, inFlight), scanned -> {
                job.scanned = scanned;
                if (System.nanoTime() - lastLog[0] > config.progressLogInterval().toNanos()) {
                    lastLog[0] = System.nanoTime();
                    LOG.infof("Batch job %s: %d of %d records read (%.0f%%), %d in range, %d scored", job.id,
                            scanned, job.total, 100.0 * job.fraction(), job.stats.matched.get(),
                            job.stats.scored.get());
                }
            });
        }
        // Every score is acknowledged (or counted as failed) before the job says it ended.
        if (!inFlight.tryAcquire(permits, 2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("scores not acknowledged by Kafka within 2 minutes");
        }
    }

    private void accept(BatchJobs.Job job, ConsumerRecord<String, byte[]> record, Set<String> seen,
            Semaphore inFlight) {
        FeatureVector vector;
        try {
            vector = CODEC.decode(record.value());
        } catch (RuntimeException e) {
            job.stats.failure("undecodable");
            return;
        }
        if (job.model.info().featureSet().equals(vector.getFeatureSet())
                && job.model.info().featureSetVersion() == vector.getFeatureSetVersion()
                && !vector.getEventTime().isBefore(job.request.from())
                && vector.getEventTime().isBefore(job.request.to())) {
            job.stats.matched.incrementAndGet();
            if (seen.add(vector.getEventId())) {
                score(job, vector, inFlight);
            } else {
                job.stats.duplicates.incrementAndGet();
            }
        }
    }

    private void score(BatchJobs.Job job, FeatureVector vector, Semaphore inFlight) {
        ScoreAnswer answer;
        try {
            answer = ScoringService.scoreComputed(job.request.useCase(), job.model, job.variant,
                    ScoreMapper.toRequest(vector), ScoreMapper.toLookup(vector));
        } catch (RuntimeException e) {
            job.stats.failure("model-failure");
            LOG.warnf("Batch job %s: v%d failed on event %s: %s", job.id, job.model.version(), vector.getEventId(),
                    e.toString());
            return;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to acknowledge scores", e);
        }
        scores.publish(ScoreMapper.toEvent(answer, null, job.id, vector.getEventTime(), clock.instant()))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        job.stats.scored(answer);
                    } else {
                        job.stats.failure("send-failed");
                    }
                    // Released last: the job waits for every permit before it reports its summary.
                    inFlight.release();
                });
    }
}
