package dev.brigade.serving.mapping;

import java.util.HashMap;
import java.util.Map;

import dev.brigade.events.BatchJobCounts;
import dev.brigade.events.BatchJobPartition;
import dev.brigade.events.BatchJobState;
import dev.brigade.serving.BatchJob;
import dev.brigade.serving.JobState;
import dev.brigade.serving.Variant;

/** A batch job's state to and from the BatchJobState record of the batch-jobs topic (Avro stays at the edge). */
public final class BatchJobStateMapper {

    private BatchJobStateMapper() {
    }

    public static BatchJobState toEvent(JobState s) {
        JobState.Tally t = s.tally();
        return BatchJobState.newBuilder()
                .setJobId(s.id()).setUseCase(s.useCase()).setFrom(s.from()).setTo(s.to())
                .setModelVersion(s.modelVersion()).setVariant(s.variant().name()).setFeatureSet(s.featureSet())
                .setFeatureSetVersion(s.featureSetVersion()).setStatus(s.status().name())
                .setRequestedBy(s.requestedBy()).setAcceptedBy(s.acceptedBy()).setOwner(s.owner())
                .setAttempt(s.attempt()).setSequence(s.sequence()).setResumedFrom(s.resumedFrom())
                .setCreatedAt(s.createdAt()).setUpdatedAt(s.updatedAt()).setStartedAt(s.startedAt())
                .setEndedAt(s.endedAt()).setCancelRequested(s.cancelRequested()).setCancelledBy(s.cancelledBy())
                .setPartitions(s.partitions().stream()
                        .map(r -> new BatchJobPartition(r.partition(), r.from(), r.to(), r.next())).toList())
                .setCounts(BatchJobCounts.newBuilder().setMatched(t.matched()).setScored(t.scored())
                        .setDuplicates(t.duplicates()).setImputedEvents(t.imputedEvents())
                        .setImputedInputs(t.imputedInputs()).setByModel(chars(t.byModel()))
                        .setDecisions(chars(t.decisions())).setFailures(chars(t.failures()))
                        .setScoreCount(t.scoreCount()).setScoreSum(t.scoreSum()).setScoreMin(t.scoreMin())
                        .setScoreMax(t.scoreMax()).setScoreSample(t.sample())
                        .setPercentilesExact(t.percentilesExact()).build())
                .setError(s.error())
                .build();
    }

    /** @throws IllegalArgumentException a status or variant this version does not know */
    public static JobState fromEvent(BatchJobState e) {
        BatchJobCounts c = e.getCounts();
        JobState.Tally tally = new JobState.Tally(c.getMatched(), c.getScored(), c.getDuplicates(),
                c.getImputedEvents(), c.getImputedInputs(), strings(c.getByModel()), strings(c.getDecisions()),
                strings(c.getFailures()), c.getScoreCount(), c.getScoreSum(), c.getScoreMin(), c.getScoreMax(),
                c.getScoreSample(), c.getPercentilesExact());
        return new JobState(e.getJobId(), e.getUseCase(), e.getFrom(), e.getTo(), e.getModelVersion(),
                Variant.valueOf(e.getVariant()), e.getFeatureSet(), e.getFeatureSetVersion(),
                BatchJob.Status.valueOf(e.getStatus()), e.getRequestedBy(), e.getAcceptedBy(), e.getOwner(),
                e.getAttempt(), e.getSequence(), e.getResumedFrom(), e.getCreatedAt(), e.getUpdatedAt(),
                e.getStartedAt(), e.getEndedAt(), e.getCancelRequested(), e.getCancelledBy(),
                e.getPartitions().stream()
                        .map(p -> new JobState.Range(p.getPartition(), p.getFrom(), p.getTo(), p.getNext())).toList(),
                tally, e.getError());
    }

    private static Map<String, Long> chars(Map<String, Long> map) {
        return new HashMap<>(map);
    }

    /** Avro hands map keys back as Utf8. */
    private static Map<String, Long> strings(Map<? extends CharSequence, Long> map) {
        Map<String, Long> out = new HashMap<>();
        map.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }
}
