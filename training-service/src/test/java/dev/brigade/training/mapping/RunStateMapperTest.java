package dev.brigade.training.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.brigade.events.TrainingReason;
import dev.brigade.events.TrainingRunState;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.training.Calibration;
import dev.brigade.training.ClassBalance;
import dev.brigade.training.Cost;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.DeltaInterval;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.Evaluation;
import dev.brigade.training.Fairness;
import dev.brigade.training.ReliabilityBin;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.RunStatus;
import dev.brigade.training.SliceResult;
import dev.brigade.training.SplitSummary;
import dev.brigade.training.WorstExample;

class RunStateMapperTest {

    /** As Quarkus configures the application's mapper: java.time and Optional modules, ISO dates. */
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final Instant T0 = Instant.parse("2026-12-08T01:00:00.123Z");

    private final RunStateMapper mapper = new RunStateMapper(JSON);

    @Test
    void aFinishedRunWithItsEvaluationRendersTheSameAfterTheTopic() {
        // Given a succeeded run with splits, epochs (one without validation loss), ranges and a full evaluation
        RunRecord run = succeeded(evaluation(new CostMatrix.Classification("expected-cost", Cost.of(5),
                Cost.of(5), Cost.feature("amount"), Cost.of(0))));
        RunState state = new RunState(run, 12, "training-0:8082");

        // When it goes through the Avro record and its bytes, and back
        EventCodec<TrainingRunState> codec = EventCodec.of(TrainingRunState.class);
        RunState back = mapper.fromAvro(codec.decode(codec.encode(mapper.toAvro(state))));

        // Then a replica renders exactly what the owner renders, and the revision and writer travel
        assertThat((Object) JSON.valueToTree(back.run())).isEqualTo(JSON.valueToTree(run));
        assertThat(back.revision()).isEqualTo(12);
        assertThat(back.writer()).isEqualTo("training-0:8082");
        assertThat(back.run().owner()).isEqualTo("training-0:8082");
        assertThat(back.run().heartbeatAt()).isEqualTo(T0.plusSeconds(90));
        assertThat(back.run().evaluation().costMatrix()).isEqualTo(run.evaluation().costMatrix());
        assertThat(back.run().epochs().get(1).validationLoss()).isNaN();
    }

    @Test
    void aRegressionCostMatrixAndAQueuedRunWithoutDetailSurviveToo() {
        // Given a regression evaluation, and a queued run that has nothing but its request
        RunRecord regression = succeeded(evaluation(new CostMatrix.Regression("cost-per-minute", 2, 1)));
        RunRecord queued = new RunRecord("run-q", "delivery-eta", List.of("r-9"), TrainingReason.DRIFT,
                RunStatus.QUEUED, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, T0, null, null, null, null, "training-1:8082", T0);

        // When both go through the mapper
        RunState r = mapper.fromAvro(mapper.toAvro(new RunState(regression, 3, "a")));
        RunState q = mapper.fromAvro(mapper.toAvro(new RunState(queued, 1, "training-1:8082")));

        // Then both render as before
        assertThat(r.run().evaluation().costMatrix()).isInstanceOf(CostMatrix.Regression.class);
        assertThat((Object) JSON.valueToTree(r.run())).isEqualTo(JSON.valueToTree(regression));
        assertThat((Object) JSON.valueToTree(q.run())).isEqualTo(JSON.valueToTree(queued));
    }

    private static RunRecord succeeded(Evaluation evaluation) {
        return new RunRecord("run-1", "card-fraud", List.of("r-1", "drift-e-2"), TrainingReason.MANUAL,
                RunStatus.SUCCEEDED, null, "git:abc", 2, "card-activity", 1, Map.of("maxEpochs", "20"), 42L,
                List.of(new DatasetRange("training-examples", 0, 0, 1200)), T0, 1200L,
                new SplitSummary(800, new ClassBalance(80, 720), T0.minusSeconds(3600), T0.minusSeconds(600)),
                new SplitSummary(140, new ClassBalance(14, 126), T0.minusSeconds(600), T0.minusSeconds(300)),
                new SplitSummary(260, null, T0.minusSeconds(300), T0),
                List.of(new EpochProgress(1, 20, 0.61, 0.63), new EpochProgress(2, 20, 0.5, Double.NaN)),
                evaluation, 7, "ab".repeat(32), T0, T0.plusSeconds(1), T0.plusSeconds(90), 89_000L, 150_000L,
                "training-0:8082", T0.plusSeconds(90));
    }

    private static Evaluation evaluation(CostMatrix costMatrix) {
        return new Evaluation(260, Map.of("auc", 0.91, "logLoss", 0.2), Map.of("auc", 0.88),
                List.of(new SliceResult("region", "eu", 120, Map.of("auc", 0.9))),
                new Calibration(0.03, List.of(new ReliabilityBin(0, 0.1, 100, 0.05, 0.04))), costMatrix, 1.25,
                Optional.of(1.5), Optional.of(new DeltaInterval("auc", 0.91, 0.88, 0.03, 0.01, 0.05, 260, 0.95, 200)),
                Map.of("auc", 0.89), 0.1,
                List.of(new WorstExample("e-7", 1, 0.02, 3.9, Map.of("region", "eu"),
                        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Map.of("amount", 12.5))))),
                new Fairness(30, List.of(new Fairness.Attribute("region",
                        List.of(new Fairness.Slice("eu", 120, 12L, 108L, Map.of("tpr", 0.8))),
                        List.of(new Fairness.Gap("tpr", 0.1, "eu", "apac", 2)), List.of()))));
    }
}
