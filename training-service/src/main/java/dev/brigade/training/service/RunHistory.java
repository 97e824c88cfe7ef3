package dev.brigade.training.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.brigade.events.RunFailed;
import dev.brigade.events.RunProgress;
import dev.brigade.events.RunSkipped;
import dev.brigade.events.RunStarted;
import dev.brigade.events.RunSucceeded;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicScan;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.config.TrainingConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Rebuilds run records from training-runs, the durable record of every run, at start-up (after the topics exist,
 * before the channels deliver the first request), so the retraining policy still sees earlier runs (cooldown, runs
 * per day, where the last dataset ended) after a restart. Records rebuilt this way hold what the events carry: no
 * splits and no evaluation. They are the fallback for runs older than training-run-state: a run's state there,
 * read next by {@link dev.brigade.training.listener.RunStateFollower}, replaces its rebuilt record (a run still
 * RUNNING on another instance included, which this fold alone would call interrupted).
 */
@ApplicationScoped
public class RunHistory {

    private static final Logger LOG = Logger.getLogger(RunHistory.class);

    /** Reads the topic from its start up to the end offsets taken now and folds the events per run. */
    void load(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent start, RunStore store,
            TrainingConfig config, KafkaClients clients, TopicNames names) {
        EventCodec<TrainingRunEvent> codec = EventCodec.of(TrainingRunEvent.class);
        List<TrainingRunEvent> events = new ArrayList<>();
        boolean read = TopicScan.readAll(clients, "training-service-run-history", names.topic(Topics.TRAINING_RUNS),
                Map.of(), config.dataset().readTimeout(), record -> {
                    try {
                        events.add(codec.decode(record.value()));
                    } catch (EventDecodingException e) {
                        // Not a run event this reader knows: it cannot change a run's record. Its dead letter is
                        // the monitor's (its replay owns training-runs.dlq, following the topic for good).
                    }
                });
        if (!read) {
            throw new IllegalStateException("reading " + Topics.TRAINING_RUNS + " did not reach its end offsets "
                    + "within " + config.dataset().readTimeout());
        }
        List<RunRecord> runs = fold(events);
        runs.forEach(store::put);
        LOG.infof("Loaded %d earlier runs from training-runs", runs.size());
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
            List<DatasetRange> ranges = started == null ? List.of() : started.getDatasetRanges().stream()
                    .map(r -> new DatasetRange(r.getTopic(), r.getPartition(), r.getFromOffset(), r.getToOffset()))
                    .toList();
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
