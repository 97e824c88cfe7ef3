package dev.brigade.feature.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureSets;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.PastEvent;
import dev.brigade.feature.ValueStatus;

class FeatureComputerTest {

    private static final Instant T = Instant.parse("2026-11-20T12:00:00Z");
    private static final FeatureSetDefinition CARD = FeatureSets.cardActivity();

    private static PastEvent txn(String id, Instant time, double amount, String merchant) {
        return new PastEvent(id, time, Map.of("amount", amount, "merchant", merchant));
    }

    @Test
    void aggregatesOnlyEventsStrictlyBeforeTheEventWithinEachWindow() {
        // Given a card's history: 3 days ago, 2 hours ago, 30 and 5 minutes ago, and one AT and one AFTER the event
        List<PastEvent> history = List.of(
                txn("e1", T.minusSeconds(3 * 86400), 100.0, "m1"),
                txn("e2", T.minusSeconds(2 * 3600), 10.0, "m2"),
                txn("e3", T.minusSeconds(30 * 60), 20.0, "m2"),
                txn("e4", T.minusSeconds(5 * 60), 30.0, "m3"),
                txn("same-time", T, 5000.0, "m9"),
                txn("future", T.plusSeconds(60), 9000.0, "m9"));

        // When the features of an event at T with amount 80 are computed
        Map<String, FeatureValue> f = FeatureComputer.compute(CARD, history, T,
                Map.of("amount", 80.0, "online", true));

        // Then (by hand): 10m window {e4}; 1h {e3,e4}; 24h {e2,e3,e4}; 7d {e1..e4}; nothing at or after T counts
        assertThat(f.get("amount")).isEqualTo(new FeatureValue(80.0, ValueStatus.PRESENT));
        assertThat(f.get("online")).isEqualTo(new FeatureValue(true, ValueStatus.PRESENT));
        assertThat(f.get("txn_count_10m").value()).isEqualTo(1L);
        assertThat(f.get("txn_count_1h").value()).isEqualTo(2L);
        assertThat(f.get("amount_sum_24h").value()).isEqualTo(60.0);
        assertThat(f.get("amount_max_24h").value()).isEqualTo(30.0);
        assertThat(f.get("amount_mean_7d").value()).isEqualTo(40.0);
        assertThat((double) f.get("amount_to_mean_7d").value()).isCloseTo(2.0, within(1e-12));
        assertThat(f.get("merchant_distinct_24h").value()).isEqualTo(2L);
        assertThat(f.get("secs_since_last_txn").value()).isEqualTo(300.0);
        assertThat(f.values()).allSatisfy(v -> assertThat(v.status()).isEqualTo(ValueStatus.PRESENT));
    }

    @Test
    void distinctCountsAreTheSameForSmallAndLargeWindowsWithEqualHashesAndMissingValues() {
        // Given merchants cycling through six values, two of them with equal hash codes ("Aa" and "BB"), and every
        // seventh event without a merchant
        String[] merchants = {"Aa", "BB", "m1", "m2", "m3", "m4", null};
        for (int size : new int[] {5, 10, 32, 33, 200}) {
            List<PastEvent> history = new java.util.ArrayList<>();
            for (int i = 0; i < size; i++) {
                String merchant = merchants[i % merchants.length];
                history.add(new PastEvent("e" + i, T.minusSeconds(3600 + size - i),
                        merchant == null ? Map.of("amount", 1.0) : Map.of("amount", 1.0, "merchant", merchant)));
            }

            // When the features of an event at T are computed (all of that history is within 24 hours)
            Map<String, FeatureValue> f = FeatureComputer.compute(CARD, history, T, Map.of("amount", 1.0));

            // Then the merchants are counted once each, "Aa" and "BB" apart, the missing ones not at all
            assertThat(f.get("merchant_distinct_24h").value()).as("%d events", size)
                    .isEqualTo(size < 6 ? (long) size : 6L);
        }
    }

    @Test
    void anEntityWithoutHistoryGetsTheDeclaredDefaults() {
        // Given no earlier events, When computed
        Map<String, FeatureValue> f = FeatureComputer.compute(CARD, List.of(), T, Map.of("amount", 12.0));

        // Then aggregates are the declared defaults marked NO_HISTORY; the event's own attribute is present
        assertThat(f.get("txn_count_1h")).isEqualTo(new FeatureValue(0L, ValueStatus.NO_HISTORY));
        assertThat(f.get("amount_mean_7d")).isEqualTo(new FeatureValue(0.0, ValueStatus.NO_HISTORY));
        assertThat(f.get("secs_since_last_txn")).isEqualTo(new FeatureValue(604800.0, ValueStatus.NO_HISTORY));
        assertThat(f.get("amount")).isEqualTo(new FeatureValue(12.0, ValueStatus.PRESENT));
        assertThat(f.get("online")).isEqualTo(new FeatureValue(false, ValueStatus.DEFAULTED));
    }

    @Test
    void historyOutsideAWindowIsDefaultedNotMissing() {
        // Given only an event eight days ago: history exists, but outside every window
        List<PastEvent> history = List.of(txn("old", T.minusSeconds(8 * 86400), 50.0, "m1"));

        // When computed
        Map<String, FeatureValue> f = FeatureComputer.compute(CARD, history, T, Map.of("amount", 50.0));

        // Then counts are a true zero, and window statistics fall back to their defaults, marked DEFAULTED
        assertThat(f.get("txn_count_1h")).isEqualTo(new FeatureValue(0L, ValueStatus.PRESENT));
        assertThat(f.get("amount_mean_7d")).isEqualTo(new FeatureValue(0.0, ValueStatus.DEFAULTED));
        assertThat(f.get("amount_to_mean_7d")).isEqualTo(new FeatureValue(1.0, ValueStatus.DEFAULTED));
    }

    @Test
    void aLookUpWithoutAnEventMarksEventAttributesMissing() {
        // Given history but no current event (an online look-up as of now)
        List<PastEvent> history = List.of(txn("e1", T.minusSeconds(60), 10.0, "m1"));

        // When computed without attributes
        Map<String, FeatureValue> f = FeatureComputer.compute(CARD, history, T, null);

        // Then the aggregates are computed and the event-dependent features are MISSING
        assertThat(f.get("txn_count_10m")).isEqualTo(new FeatureValue(1L, ValueStatus.PRESENT));
        assertThat(f.get("amount")).isEqualTo(new FeatureValue(null, ValueStatus.MISSING));
        assertThat(f.get("amount_to_mean_7d")).isEqualTo(new FeatureValue(null, ValueStatus.MISSING));
    }

    @Test
    void lastMinAndTimeSinceLastFollowTheirWindows() {
        // Given a courier with three earlier orders
        FeatureSetDefinition courier = FeatureSets.courierLoad();
        List<PastEvent> history = List.of(
                new PastEvent("o1", T.minusSeconds(25 * 3600), Map.of("distance_km", 1.0)),
                new PastEvent("o2", T.minusSeconds(3 * 3600), Map.of("distance_km", 4.0)),
                new PastEvent("o3", T.minusSeconds(600), Map.of("distance_km", 2.5, "items", 3L)));

        // When computed for an order of 5 km at T
        Map<String, FeatureValue> f = FeatureComputer.compute(courier, history, T, Map.of("distance_km", 5.0));

        // Then (by hand, 24h window = {o2, o3}): last 2.5, min 2.5, mean 3.25, ratio 5/3.25, 600 s since o3
        assertThat(f.get("last_distance_km").value()).isEqualTo(2.5);
        assertThat(f.get("min_distance_24h").value()).isEqualTo(2.5);
        assertThat(f.get("distance_mean_24h").value()).isEqualTo(3.25);
        assertThat((double) f.get("distance_to_mean_24h").value()).isCloseTo(5.0 / 3.25, within(1e-12));
        assertThat(f.get("secs_since_last_order").value()).isEqualTo(600.0);
        assertThat(f.get("orders_1h")).isEqualTo(new FeatureValue(1L, ValueStatus.PRESENT));
        assertThat(f.get("items")).isEqualTo(new FeatureValue(1L, ValueStatus.DEFAULTED));
    }
}
