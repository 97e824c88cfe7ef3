package dev.brigade.training.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.brigade.events.OffsetRange;
import dev.brigade.events.RunFailed;
import dev.brigade.events.RunProgress;
import dev.brigade.events.RunSkipped;
import dev.brigade.events.RunStarted;
import dev.brigade.events.RunSucceeded;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;

/**
 * Rebuilds run records from training-runs, the durable record of every run, so the retraining policy still sees
 * earlier runs (cooldown, runs per day, where the last dataset ended) after a restart. Records rebuilt this way hold
 * what the events carry: no splits and no evaluation.
 */
public final class RunHistory {

    private RunHistory() {
    }

    /** Reads the topic from its start up to the end offsets taken now and folds the events per run. */
    public static List<RunRecord> read(String bootstrapServers, Duration timeout) {
        EventCodec<TrainingRunEvent> codec = EventCodec.of(TrainingRunEvent.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<TrainingRunEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TRAINING_RUNS, timeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<TopicPartition> open = new ArrayList<>(partitions);
            open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + Topics.TRAINING_RUNS + " did not reach its end "
                            + "offsets within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        try {
                            events.add(codec.decode(record.value()));
                        } catch (EventDecodingException e) {
                            // Not a run event this reader knows: it cannot change a run's record. Its dead letter is
                            // the monitor's (its replay owns training-runs.dlq, following the topic for good).
                        }
                    }
                }
                open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            }
        }
        return fold(events);
    }

    /** Events of one partition in order to run records; runs still RUNNING were interrupted by a stop. */
    static List<RunRecord> fold(List<TrainingRunEvent> events) {
        Map<String, Folded> runs = new LinkedHashMap<>();
        for (TrainingRunEvent e : events) {
            Folded run = runs.computeIfAbsent(e.getRunId(), id -> new Folded(id, e.getUseCase(), e.getOccurredAt()));
            Object payload = e.getPayload();
            if (payload instanceof RunStarted s) {
                run.requestIds.add(s.getRequestId());
                run.status = RunStatus.RUNNING;
                run.started = s;
                run.startedAt = e.getOccurredAt();
            } else if (payload instanceof RunProgress p) {
                run.epochs.add(new EpochProgress(p.getEpoch(), p.getMaxEpochs(), p.getTrainLoss(),
                        p.getValidationLoss() == null ? Double.NaN : p.getValidationLoss()));
            } else if (payload instanceof RunSucceeded s) {
                run.end(RunStatus.SUCCEEDED, null, e.getOccurredAt());
                run.modelVersion = s.getModelVersion();
                run.wallTimeMillis = s.getWallTimeMillis();
                run.cpuMillis = s.getCpuMillis();
            } else if (payload instanceof RunFailed f) {
                run.end(RunStatus.FAILED, f.getReason(), e.getOccurredAt());
                run.wallTimeMillis = f.getWallTimeMillis();
            } else if (payload instanceof RunSkipped s) {
                if (!run.requestIds.contains(s.getRequestId())) {
                    run.requestIds.add(s.getRequestId());
                }
                run.end(RunStatus.SKIPPED, s.getWhy(), e.getOccurredAt());
            }
        }
        return runs.values().stream().map(Folded::record).toList();
    }

    private static final class Folded {

        final String runId;
        final String useCase;
        final Instant createdAt;
        final List<String> requestIds = new ArrayList<>();
        final List<EpochProgress> epochs = new ArrayList<>();
        RunStatus status = RunStatus.QUEUED;
        String reason;
        RunStarted started;
        Instant startedAt;
        Instant finishedAt;
        Integer modelVersion;
        Long wallTimeMillis;
        Long cpuMillis;

        Folded(String runId, String useCase, Instant createdAt) {
            this.runId = runId;
            this.useCase = useCase;
            this.createdAt = createdAt;
        }

        void end(RunStatus status, String reason, Instant at) {
            this.status = status;
            this.reason = reason;
            this.finishedAt = at;
        }

        RunRecord record() {
            RunStatus finalStatus = status;
            String finalReason = reason;
            if (!status.isFinal()) {
                finalStatus = RunStatus.FAILED;
                finalReason = "interrupted: the service stopped before the run ended";
            }
            List<DatasetRange> ranges = new ArrayList<>();
            if (started != null) {
                for (OffsetRange r : started.getDatasetRanges()) {
                    ranges.add(new DatasetRange(r.getTopic(), r.getPartition(), r.getFromOffset(), r.getToOffset()));
                }
            }
            return new RunRecord(runId, useCase, requestIds, started == null ? null : started.getReason(),
                    finalStatus, finalReason, started == null ? null : started.getCodeVersion(), null,
                    started == null ? null : started.getFeatureSet(),
                    started == null ? null : started.getFeatureSetVersion(),
                    started == null ? Map.of() : started.getHyperparameters(),
                    started == null ? null : started.getSeed(), ranges,
                    started == null ? null : started.getCutoffTime(), null, null, null, null, epochs, null,
                    modelVersion, null, createdAt, startedAt, finishedAt, wallTimeMillis, cpuMillis);
        }
    }
}
