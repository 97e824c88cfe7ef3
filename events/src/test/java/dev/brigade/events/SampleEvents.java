package dev.brigade.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

/** One realistic instance of every event type and every payload variant, for round-trip tests. */
public final class SampleEvents {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00.123Z");

    private SampleEvents() {
    }

    public static RawEvent rawEvent(String eventId) {
        return RawEvent.newBuilder()
                .setEventId(eventId)
                .setSource("card-transactions")
                .setEntityId("card-42")
                .setEventTime(T0)
                .setAttributes(Map.of("amount", 42.5, "merchant", "m-7", "online", true, "items", 3L))
                .build();
    }

    public static List<SpecificRecord> oneOfEach() {
        OffsetRange range = new OffsetRange("training-examples", 0, 0L, 1200L);
        return List.of(
                rawEvent("evt-1"),
                LabelEvent.newBuilder().setEventId("evt-1").setEntityId("card-42").setLabel(1.0)
                        .setLabelTime(T0.plusSeconds(3600)).setUseCase("card-fraud").build(),
                FeatureSetRegistered.newBuilder().setName("card-activity").setVersion(1)
                        .setSource("card-transactions")
                        .setFeatures(List.of(new FeatureSpec("amount", ValueType.DOUBLE, "transaction amount"),
                                new FeatureSpec("txn_count_1h", ValueType.LONG, null)))
                        .setDefinition("name: card-activity\nversion: 1\n").setDefinitionSha256("ab".repeat(32))
                        .setRegisteredAt(T0).setRegisteredBy("data-team")
                        .setExpectations(DataExpectations.newBuilder()
                                .setFeatures(List.of(new FeatureExpectation("amount", 0.0, 50_000.0, null, 0.01)))
                                .setPositiveShareMin(0.001).setPositiveShareMax(0.5)
                                .setFreshnessMillis(86_400_000L).build())
                        .build(),
                FeatureVector.newBuilder().setEventId("evt-1").setEntityId("card-42").setEventTime(T0)
                        .setFeatureSet("card-activity").setFeatureSetVersion(1)
                        .setValues(Map.of("amount", 42.5, "txn_count_1h", 2L))
                        .setStatuses(Map.of("amount", FeatureStatus.PRESENT, "txn_count_1h", FeatureStatus.PRESENT))
                        .setComputedAt(T0.plusMillis(5)).build(),
                TrainingExample.newBuilder().setEventId("evt-1").setEntityId("card-42").setEventTime(T0)
                        .setLabelTime(T0.plusSeconds(3600)).setFeatureSet("card-activity").setFeatureSetVersion(1)
                        .setFeatures(Map.of("amount", 42.5)).setSlices(Map.of("region", "eu", "device", "mobile"))
                        .setLabel(1.0).setUseCase("card-fraud").build(),
                TrainingRequested.newBuilder().setRequestId("req-1").setUseCase("card-fraud")
                        .setReason(TrainingReason.DRIFT).setCauseEventId("drift-9").setRequestedAt(T0)
                        .setRequestedBy("monitor-service").setHyperparameterOverrides(Map.of("epochs", "20")).build(),
                run(new RunStarted("req-1", TrainingReason.MANUAL, "git:abc123", "card-activity", 1,
                        Map.of("learningRate", "0.01"), 42L, List.of(range), T0)),
                run(new RunProgress(3, 20, 0.41, 0.44)),
                run(new RunSucceeded(7, Map.of("auc", 0.91), 12_000L, 20_500L)),
                run(new RunFailed("dataset has one class only", 800L)),
                TrainingRunState.newBuilder().setRunId("run-1").setUseCase("card-fraud").setRevision(4)
                        .setOwner("training-0:8082").setWriter("training-0:8082").setHeartbeatAt(T0)
                        .setRequestIds(List.of("req-1")).setReason(TrainingReason.MANUAL)
                        .setStatus(TrainingRunStatus.RUNNING).setDatasetRanges(List.of(range))
                        .setEpochs(List.of(new RunEpoch(1, 20, 0.52, 0.55))).setCreatedAt(T0).setStartedAt(T0)
                        .build(),
                run(new RunSkipped("req-2", "cooldown: last run 10 min ago, policy asks 60 min")),
                registry(new UseCaseRegistered(2, TaskType.BINARY_CLASSIFICATION, "card-activity", 1,
                        "{\"name\":\"card-fraud\"}", "cd".repeat(32))),
                registry(new ModelVersionRegistered(7, "ef".repeat(32), 1234L,
                        new RuntimeContract(List.of(new ContractInput("amount", ValueType.DOUBLE, 10.0)), "fraud_probability",
                                25.0, 0.5, "risk-team"),
                        new Lineage("run-1", "git:abc123", "card-activity", 1, List.of(range),
                                Map.of("epochs", "20"), 42L),
                        "{\"auc\":0.91}", "{\"features\":{}}", ModelRole.CANDIDATE)),
                registry(new GateEvaluated(7, false, List.of(new GateCheck("primary-metric", CheckOutcome.FAILED,
                        "lift 0.002 not significant", Map.of("delta", 0.002, "ciLow", -0.004))), 6, 2)),
                registry(new ApprovalGiven(7, "alice", "looks good")),
                registry(new AliasMoved(ModelAlias.CANARY, 6, 7, 10.0, AliasMoveKind.PROMOTE)),
                registry(new VersionArchived(3)),
                PredictionLogged.newBuilder().setPredictionId("p-1").setEventId("evt-1").setEntityId("card-42")
                        .setUseCase("card-fraud").setModelVersion(7).setVariant(Variant.CANARY)
                        .setFeatures(Map.of("amount", 42.5)).setFeatureStatuses(Map.of("amount", FeatureStatus.IMPUTED))
                        .setScore(0.87).setDecision("review").setLatencyMicros(850L).setCpuMicros(120L)
                        .setServedAt(T0).setWarnings(List.of("feature-service slow: amount imputed")).build(),
                drift(new DriftDetected(10_000L, List.of(new FeatureDrift("amount", 0.31, "ks", 0.12, 1e-9, true)))),
                drift(new PerformanceDegraded(5_000L, "auc", 0.71, 0.91, 0.8)),
                alert(new AlertRaised("psi.amount", 0.31, 0.2, 7, "input drift on amount")),
                alert(new AlertResolved(T0, "psi back under 0.2 for 3 windows")),
                ScoringRequested.newBuilder().setRequestId("sr-1").setUseCase("card-fraud").setEventId("evt-1")
                        .setEntityId("card-42").setEventTime(T0).setAttributes(Map.of("amount", 42.5))
                        .setRequestedAt(T0).build(),
                ScoreProduced.newBuilder().setPredictionId("p-2").setRequestId("sr-1").setEventId("evt-1")
                        .setEntityId("card-42").setUseCase("card-fraud").setModelVersion(7)
                        .setVariant(Variant.CHAMPION).setScore(0.12).setDecision("negative")
                        .setFeatures(Map.of("amount", 42.5)).setFeatureStatuses(Map.of("amount", FeatureStatus.PRESENT))
                        .setImputed(List.of()).setWarnings(List.of()).setEventTime(T0).setScoredAt(T0).build(),
                RegistryLeader.newBuilder().setInstanceId("registry-0:8083").setUrl("http://registry-0:8083")
                        .setSince(T0).setEpoch(3).setWriterId("registry-service-writer").build(),
                BatchJobState.newBuilder().setJobId("job-1").setUseCase("card-fraud").setFrom(T0)
                        .setTo(T0.plusSeconds(3600)).setModelVersion(7).setVariant("CHAMPION")
                        .setFeatureSet("card-activity").setFeatureSetVersion(1).setStatus("RUNNING")
                        .setRequestedBy("dave").setAcceptedBy("serving-a:8080").setOwner("serving-b:8080")
                        .setAttempt(2).setSequence(5).setResumedFrom(1200L).setCreatedAt(T0).setUpdatedAt(T0)
                        .setStartedAt(T0).setPartitions(List.of(new BatchJobPartition(0, 0L, 5000L, 2400L)))
                        .setCounts(BatchJobCounts.newBuilder().setMatched(10).setScored(9).setDuplicates(1)
                                .setImputedEvents(1).setImputedInputs(2).setByModel(Map.of("v7 CHAMPION", 9L))
                                .setDecisions(Map.of("negative", 9L)).setFailures(Map.of()).setScoreCount(9)
                                .setScoreSum(1.2).setScoreMin(0.01).setScoreMax(0.4)
                                .setScoreSample(List.of(0.01, 0.2, 0.4)).setPercentilesExact(true).build())
                        .build());
    }

    private static TrainingRunEvent run(Object payload) {
        return TrainingRunEvent.newBuilder().setEventId("run-evt-" + payload.getClass().getSimpleName())
                .setRunId("run-1").setUseCase("card-fraud").setOccurredAt(T0).setPayload(payload).build();
    }

    private static RegistryEvent registry(Object payload) {
        return RegistryEvent.newBuilder().setEventId("reg-" + payload.getClass().getSimpleName())
                .setUseCase("card-fraud").setOccurredAt(T0).setActor("alice").setWhy("weekly review")
                .setPayload(payload).build();
    }

    private static DriftEvent drift(Object payload) {
        return DriftEvent.newBuilder().setEventId("drift-" + payload.getClass().getSimpleName())
                .setUseCase("card-fraud").setModelVersion(7).setOccurredAt(T0).setWindowStart(T0.minusSeconds(300))
                .setWindowEnd(T0).setSeverity(Severity.TICKET).setRule("input-drift").setPayload(payload).build();
    }

    private static AlertEvent alert(Object payload) {
        return AlertEvent.newBuilder().setEventId("alert-" + payload.getClass().getSimpleName())
                .setAlertId("alert-1").setUseCase("card-fraud").setOccurredAt(T0).setRule("input-drift")
                .setSeverity(Severity.PAGE).setOwner("risk-oncall").setPlaybook("docs/playbooks/drift.md")
                .setAction(AlertAction.RETRAIN).setPayload(payload).build();
    }
}
