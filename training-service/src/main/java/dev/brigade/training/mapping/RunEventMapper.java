package dev.brigade.training.mapping;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.brigade.events.OffsetRange;
import dev.brigade.events.RunFailed;
import dev.brigade.events.RunProgress;
import dev.brigade.events.RunSkipped;
import dev.brigade.events.RunStarted;
import dev.brigade.events.RunSucceeded;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.RunRecord;

/** A run's moments as training-runs events (Avro, the Kafka edge), keyed by run id; each with a fresh event id. */
public final class RunEventMapper {

    private RunEventMapper() {
    }

    public static TrainingRunEvent started(RunRecord run, Instant at) {
        List<OffsetRange> ranges = run.datasetRanges().stream()
                .map(r -> new OffsetRange(r.topic(), r.partition(), r.fromOffset(), r.toOffset())).toList();
        return event(run, at, RunStarted.newBuilder()
                .setRequestId(run.requestIds().get(0))
                .setReason(run.reason())
                .setCodeVersion(run.codeVersion())
                .setFeatureSet(run.featureSet())
                .setFeatureSetVersion(run.featureSetVersion())
                .setHyperparameters(Map.copyOf(run.hyperparameters()))
                .setSeed(run.seed())
                .setDatasetRanges(ranges)
                .setCutoffTime(run.cutoff())
                .build());
    }

    public static TrainingRunEvent progress(RunRecord run, EpochProgress epoch, Instant at) {
        return event(run, at, new RunProgress(epoch.epoch(), epoch.maxEpochs(), epoch.trainLoss(),
                epoch.validationLoss()));
    }

    public static TrainingRunEvent succeeded(RunRecord run, Map<String, Double> metrics, Instant at) {
        return event(run, at, new RunSucceeded(run.modelVersion(), Map.copyOf(metrics), run.wallTimeMillis(),
                run.cpuMillis()));
    }

    public static TrainingRunEvent failed(RunRecord run, Instant at) {
        return event(run, at, new RunFailed(run.statusReason(), run.wallTimeMillis() == null ? 0
                : run.wallTimeMillis()));
    }

    public static TrainingRunEvent skipped(RunRecord run, String requestId, Instant at) {
        return event(run, at, new RunSkipped(requestId, run.statusReason()));
    }

    private static TrainingRunEvent event(RunRecord run, Instant at, Object payload) {
        return TrainingRunEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRunId(run.runId())
                .setUseCase(run.useCase())
                .setOccurredAt(at)
                .setPayload(payload)
                .build();
    }
}
