package dev.brigade.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

/** The simulated worlds: learnable rules, deterministic by seed, and drift that does what its name says. */
class WorldsTest {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void cardFraudHasAFewPercentFraudWithBigOnlineAmounts() {
        // Given 40k transactions of the undrifted world
        List<SimEvent> events = run(new CardFraudWorld(1), 40_000);

        // Then fraud is rare but learnable: a few percent, with amounts far above the legitimate ones
        double fraudRate = share(events, e -> e.label() == 1);
        assertThat(fraudRate).isBetween(0.02, 0.08);
        double fraudAmount = mean(events, e -> e.label() == 1, "amount");
        double legitAmount = mean(events, e -> e.label() == 0, "amount");
        assertThat(fraudAmount).isGreaterThan(3 * legitAmount);
        assertThat(share(filter(events, e -> e.label() == 1), e -> (Boolean) e.attributes().get("online")))
                .isGreaterThan(0.7);
        assertThat(events.get(0).attributes()).containsKeys("amount", "online", "merchant", "region", "device");
        assertThat(events.get(0).source()).isEqualTo("card-transactions");
    }

    @Test
    void conceptDriftTurnsFraudIntoSmallInPersonAmounts() {
        // Given the world after a concept drift
        CardFraudWorld world = new CardFraudWorld(1);
        run(world, 5_000);
        world.drift(Drift.CONCEPT);
        List<SimEvent> after = run(world, 40_000);

        // Then fraud is still there, but now below the legitimate amounts and mostly offline
        assertThat(share(after, e -> e.label() == 1)).isBetween(0.02, 0.12);
        assertThat(mean(after, e -> e.label() == 1, "amount")).isLessThan(mean(after, e -> e.label() == 0, "amount"));
        assertThat(share(filter(after, e -> e.label() == 1), e -> (Boolean) e.attributes().get("online")))
                .isLessThan(0.5);
    }

    @Test
    void covariateDriftMovesTheInputsNotTheRule() {
        // Given the same world before and after a covariate shift
        CardFraudWorld world = new CardFraudWorld(1);
        List<SimEvent> before = run(world, 20_000);
        world.drift(Drift.COVARIATE);
        List<SimEvent> after = run(world, 20_000);

        // Then amounts are about 2.5 times higher and more go online, while fraud stays at its rate
        assertThat(mean(after, e -> true, "amount") / mean(before, e -> true, "amount")).isBetween(2.0, 3.0);
        assertThat(share(after, e -> (Boolean) e.attributes().get("online")))
                .isGreaterThan(share(before, e -> (Boolean) e.attributes().get("online")) + 0.15);
        assertThat(share(after, e -> e.label() == 1)).isBetween(share(before, e -> e.label() == 1) * 0.6,
                share(before, e -> e.label() == 1) * 1.6);
        world.drift(Drift.NONE);
        assertThat(mean(run(world, 20_000), e -> true, "amount") / mean(before, e -> true, "amount"))
                .isBetween(0.8, 1.25);
    }

    @Test
    void theSameSeedGivesTheSameEvents() {
        assertThat(run(new CardFraudWorld(9), 500)).isEqualTo(run(new CardFraudWorld(9), 500));
        assertThat(run(new DeliveryEtaWorld(9), 500)).isEqualTo(run(new DeliveryEtaWorld(9), 500));
        assertThat(run(new CardFraudWorld(9), 50)).isNotEqualTo(run(new CardFraudWorld(10), 50));
    }

    @Test
    void deliveryTimesFollowDistanceAndConceptDriftSlowsEveryTrip() {
        // Given orders before and after each drift
        DeliveryEtaWorld world = new DeliveryEtaWorld(3);
        List<SimEvent> before = run(world, 20_000);
        world.drift(Drift.CONCEPT);
        List<SimEvent> slower = run(world, 20_000);
        world.drift(Drift.COVARIATE);
        List<SimEvent> longer = run(world, 20_000);

        // Then minutes grow with distance, road works add minutes at the same distances, a suburb adds distance
        assertThat(correlation(before, "distance_km")).isGreaterThan(0.6);
        assertThat(mean(slower, e -> true, null)).isGreaterThan(mean(before, e -> true, null) + 4);
        assertThat(mean(slower, e -> true, "distance_km") / mean(before, e -> true, "distance_km"))
                .isBetween(0.9, 1.1);
        assertThat(mean(longer, e -> true, "distance_km") / mean(before, e -> true, "distance_km"))
                .isBetween(1.6, 2.0);
        assertThat(before.get(0).attributes()).containsKeys("distance_km", "items", "zone");
        assertThat(before.get(0).attributes().get("items")).isInstanceOf(Long.class);
    }

    private static List<SimEvent> run(World world, int n) {
        List<SimEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(world.next(START.plusSeconds(2L * i)));
        }
        return out;
    }

    private static List<SimEvent> filter(List<SimEvent> events, Predicate<SimEvent> p) {
        return events.stream().filter(p).toList();
    }

    private static double share(List<SimEvent> events, Predicate<SimEvent> p) {
        return (double) filter(events, p).size() / events.size();
    }

    /** Mean of an attribute, or of the label when the attribute is null. */
    private static double mean(List<SimEvent> events, Predicate<SimEvent> p, String attribute) {
        return filter(events, p).stream().mapToDouble(e -> attribute == null ? e.label()
                : ((Number) e.attributes().get(attribute)).doubleValue()).average().orElseThrow();
    }

    private static double correlation(List<SimEvent> events, String attribute) {
        double[] x = events.stream().mapToDouble(e -> ((Number) e.attributes().get(attribute)).doubleValue()).toArray();
        double[] y = events.stream().mapToDouble(SimEvent::label).toArray();
        double mx = java.util.Arrays.stream(x).average().orElseThrow();
        double my = java.util.Arrays.stream(y).average().orElseThrow();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
