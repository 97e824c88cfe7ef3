package dev.brigade.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.brigade.monitor.CostlyError;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.mapping.ObservationCodec;

class CostlyErrorsTest {

    /** Card fraud's matrix: an alarm costs 5, a missed fraud its amount, a right answer about nothing. */
    private static final UseCaseSettings FRAUD = new UseCaseSettings("card-fraud", 1, true, 0.5, Duration.ofDays(60),
            new UseCaseSettings.CostMatrix(new UseCaseSettings.Cell(5, null), new UseCaseSettings.Cell(5, null),
                    new UseCaseSettings.Cell(0, "amount"), UseCaseSettings.Cell.ZERO, 0, 0),
            0.00005, "EUR", Map.of(), List.of(), List.of(), Duration.ofHours(6), "expected-cost-per-transaction");

    @Test
    void keepsTheCostliestErrorsOfAWindowWhateverTheArrivalOrder() {
        // Given a window's labels: three missed frauds (900, 300, 50 EUR), two false alarms (5 EUR each, scores 0.9
        // and 0.6), and right answers that cost nothing or 5 (a caught fraud is still reviewed)
        List<Observation.Labelled> labels = new ArrayList<>(List.of(
                labelled("fn-300", 0.10, 1, 300), labelled("fp-09", 0.90, 0, 20), labelled("tp", 0.95, 1, 4000),
                labelled("fn-900", 0.30, 1, 900), labelled("tn", 0.05, 0, 10), labelled("fp-06", 0.60, 0, 15),
                labelled("fn-50", 0.45, 1, 50)));
        for (long seed = 0; seed < 20; seed++) {
            Collections.shuffle(labels, new Random(seed));

            // When they are offered one by one to a top 3 and a top 10 (each twice: redelivery keeps one)
            List<CostlyError> top3 = List.of();
            List<CostlyError> top10 = List.of();
            for (Observation.Labelled l : labels) {
                for (int twice = 0; twice < 2; twice++) {
                    CostlyError e = CostlyErrors.of(l, FRAUD);
                    List<CostlyError> next3 = CostlyErrors.offer(top3, e, 3);
                    top3 = next3 == null ? top3 : next3;
                    List<CostlyError> next10 = CostlyErrors.offer(top10, e, 10);
                    top10 = next10 == null ? top10 : next10;
                }
            }

            // Then the top 3 are the missed frauds by amount, and the top 10 adds the alarms by loss: never a right
            // answer, whatever the order
            assertThat(top3).extracting(CostlyError::eventId).containsExactly("fn-900", "fn-300", "fn-50");
            assertThat(top10).extracting(CostlyError::eventId)
                    .containsExactly("fn-900", "fn-300", "fn-50", "fp-09", "fp-06");
        }
        CostlyError worst = CostlyErrors.of(labels.stream().filter(l -> l.eventId().equals("fn-900")).findFirst()
                .orElseThrow(), FRAUD);
        assertThat(worst.cost()).isEqualTo(900);
        assertThat(worst.outcome()).isEqualTo("false-negative");
        assertThat(worst.loss()).isCloseTo(-Math.log(0.30), within(1e-12));
        assertThat(worst.slices()).containsEntry("region", "eu");
        assertThat(worst.features()).containsEntry("amount", 900.0).containsEntry("online", true);
    }

    @Test
    void versionsOfOneWindowMergeIntoOneTopN() {
        List<CostlyError> v1 = List.of(CostlyErrors.of(labelled("a", 0.1, 1, 700), FRAUD),
                CostlyErrors.of(labelled("b", 0.2, 1, 100), FRAUD));
        List<CostlyError> v2 = List.of(CostlyErrors.of(labelled("c", 0.3, 1, 400), FRAUD));
        assertThat(CostlyErrors.merge(List.of(v1, v2), 2)).extracting(CostlyError::eventId).containsExactly("a", "c");
    }

    @Test
    void regressionErrorsCostByTheirSideOfTheMatrix() {
        // Given ETA costs: 2 per minute late (under-predicted), 0.5 per minute early
        UseCaseSettings eta = new UseCaseSettings("delivery-eta", 1, false, null, Duration.ofDays(1),
                new UseCaseSettings.CostMatrix(UseCaseSettings.Cell.ZERO, UseCaseSettings.Cell.ZERO,
                        UseCaseSettings.Cell.ZERO, UseCaseSettings.Cell.ZERO, 2.0, 0.5),
                0.00005, "EUR", Map.of(), List.of(), List.of(), Duration.ofHours(6), "expected-cost-per-delivery");
        CostlyError late = CostlyErrors.of(new Observation.Labelled("p1", "delivery-eta", 1, "CHAMPION", 10, 5, 20,
                30, Map.of(), "late", Map.of(), Map.of()), eta);
        CostlyError early = CostlyErrors.of(new Observation.Labelled("p2", "delivery-eta", 1, "CHAMPION", 10, 5, 50,
                20, Map.of(), "early", Map.of(), Map.of()), eta);
        assertThat(late.cost()).isEqualTo(20.0);
        assertThat(late.outcome()).isEqualTo("under");
        assertThat(early.cost()).isEqualTo(15.0);
        assertThat(CostlyErrors.offer(List.of(early), late, 1)).extracting(CostlyError::eventId)
                .containsExactly("late");
        assertThat(CostlyErrors.of(new Observation.Labelled("p3", "delivery-eta", 1, "CHAMPION", 10, 5, 20, 20,
                Map.of(), "exact", Map.of(), Map.of()), eta)).isNull();
    }

    @Test
    void aLabelledObservationKeepsItsEventFeaturesAndSlicesOnTheWire() {
        Observation.Labelled l = labelled("e-1", 0.2, 1, 123.5);
        Observation decoded = ObservationCodec.decode(ObservationCodec.encode(l));
        assertThat(decoded).isEqualTo(l);
        // an observation written before the trailing section still decodes, with nothing to show
        Observation.Labelled bare = new Observation.Labelled("p", "card-fraud", 1, "CHAMPION", 10, 5, 0.2, 1,
                Map.of("amount", 3.0));
        byte[] full = ObservationCodec.encode(bare);
        byte[] old = java.util.Arrays.copyOf(full, full.length - 2 - 4 - 4); // no event id, features, slices
        Observation.Labelled read = (Observation.Labelled) ObservationCodec.decode(old);
        assertThat(read.eventId()).isNull();
        assertThat(read.features()).isEmpty();
        assertThat(read.costValues()).containsEntry("amount", 3.0);
    }

    private static Observation.Labelled labelled(String eventId, double score, double label, double amount) {
        Map<String, Object> features = new java.util.LinkedHashMap<>();
        features.put("amount", amount);
        features.put("online", true);
        features.put("merchant_risk", null);
        return new Observation.Labelled("pred-" + eventId, "card-fraud", 3, "CHAMPION", 2_000, 1_000, score, label,
                Map.of("amount", amount), eventId, features, Map.of("region", "eu"));
    }
}
