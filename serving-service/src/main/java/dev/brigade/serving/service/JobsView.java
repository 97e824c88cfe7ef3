package dev.brigade.serving.service;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import dev.brigade.events.BatchJobState;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.serving.JobState;
import dev.brigade.serving.mapping.BatchJobStateMapper;

/**
 * Every replica's view of the batch jobs: the fold of the whole compacted batch-jobs topic (the platform's
 * {@link TopicReplay}: every partition from the beginning, no group, read_committed), so any replica answers
 * GET /v1/batch-jobs the same. {@link #merge} decides which of two states of a job stands.
 */
public final class JobsView implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobsView.class);

    /** A job's standing state and the batch-jobs partition its key lives in (whose owner runs it). */
    public record Entry(JobState state, int partition) {
    }

    private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
    private final int kept;
    private final TopicReplay<BatchJobState> replay;

    /** @param kept finished jobs kept (newest first); older ones are forgotten, as before */
    public JobsView(KafkaClients clients, TopicNames names, String name, int kept) {
        this.kept = Math.max(1, kept);
        this.replay = new TopicReplay<>(clients, name, names.topic(Topics.BATCH_JOBS), BatchJobState.class,
                this::apply).ownDeadLetters();
    }

    public JobsView start() {
        replay.start();
        return this;
    }

    /**
     * Which state of a job stands when {@code incoming} is read after {@code existing}: a finished job is final (a
     * late write of a replica that lost the job changes nothing); otherwise the later (attempt, sequence) wins; and a
     * cancellation, once asked for, stays asked for whatever was written after it by a runner that had not seen it.
     */
    public static JobState merge(JobState existing, JobState incoming) {
        if (existing == null) {
            return incoming;
        }
        if (existing.finished()) {
            return existing;
        }
        JobState winner = incoming.newerThan(existing)
                || incoming.finished() && incoming.attempt() >= existing.attempt() ? incoming : existing;
        JobState loser = winner == incoming ? existing : incoming;
        // a runner's own states do not carry a cancellation written elsewhere: the standing state keeps it, ended too
        if (loser.cancelRequested() && !winner.cancelRequested()) {
            return winner.cancelledBy(loser.cancelledBy(), winner.updatedAt());
        }
        return winner;
    }

    private void apply(BatchJobState event, ConsumerRecord<String, byte[]> record) {
        JobState incoming;
        try {
            incoming = BatchJobStateMapper.fromEvent(event);
        } catch (IllegalArgumentException e) {
            throw new TopicReplay.Refused("UNKNOWN_VALUE: " + e.getMessage());
        }
        jobs.compute(incoming.id(), (id, old) -> {
            JobState merged = merge(old == null ? null : old.state(), incoming);
            if (old != null && merged == old.state()) {
                LOG.debugf("Batch job %s: state of attempt %d #%d ignored (standing: %s attempt %d #%d)", id,
                        incoming.attempt(), incoming.sequence(), old.state().status(), old.state().attempt(),
                        old.state().sequence());
            }
            return new Entry(merged, record.partition());
        });
        if (incoming.finished()) {
            forgetOld();
        }
    }

    private void forgetOld() {
        List<Entry> finished = jobs.values().stream().filter(e -> e.state().finished())
                .sorted(Comparator.comparing((Entry e) -> e.state().createdAt()).reversed()).toList();
        for (int i = kept; i < finished.size(); i++) {
            jobs.remove(finished.get(i).state().id());
        }
    }

    public JobState get(String id) {
        Entry entry = jobs.get(id);
        return entry == null ? null : entry.state();
    }

    public Entry entry(String id) {
        return jobs.get(id);
    }

    /** Newest first. */
    public List<JobState> all() {
        return jobs.values().stream().map(Entry::state)
                .sorted(Comparator.comparing(JobState::createdAt).reversed()).toList();
    }

    /** Jobs not finished (QUEUED or RUNNING), each with its partition. */
    public List<Entry> unfinished() {
        return jobs.values().stream().filter(e -> !e.state().finished())
                .sorted(Comparator.comparing((Entry e) -> e.state().createdAt())).toList();
    }

    /** Waits until this view applied a record written by this replica: read-your-writes. */
    public boolean awaitApplied(RecordMetadata written, Duration timeout) throws InterruptedException {
        return replay.awaitPosition(written.partition(), written.offset(), timeout);
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return replay.awaitCaughtUp(timeout);
    }

    public boolean caughtUp() {
        return replay.caughtUp();
    }

    public boolean alive() {
        return replay.alive();
    }

    @Override
    public void close() {
        replay.close();
    }
}
