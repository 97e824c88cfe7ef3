package dev.brigade.monitor.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.brigade.monitor.AlertRule;
import dev.brigade.monitor.FeatureDrift;
import dev.brigade.monitor.FeatureReference;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.RuleState;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.WindowSummary;

/** Windows drawn from known distributions, through the counts, the statistics and the alert rules. */
class WindowRulesTest {

    /** Standard-normal deciles, widened at the ends: every bin holds 10% of N(0, 1). */
    static final double[] DECILES = {-6, -1.28155, -0.84162, -0.52440, -0.25335, 0, 0.25335, 0.52440, 0.84162,
            1.28155, 6};
    static final ReferenceProfile PROFILE = new ReferenceProfile(40_000, List.of(
            new FeatureReference("amount", "DOUBLE", DECILES, null, tenths(), 0.0),
            new FeatureReference("online", "BOOLEAN", null, List.of("false", "true"), new double[] {0.62, 0.38},
                    0.0)));
    static final AlertRule PSI_RULE = new AlertRule("amount-drift", "psi.amount", true, 0.2, 1000, 3, "ticket",
            "fraud-ml-team", "Compare amount with the reference", "retrain");
    static final AlertRule DRIFT_RULE = new AlertRule("online-drift", "drift.online", true, 0.5, 1000, 2, "ticket",
            "fraud-ml-team", "Check online share", "retrain");
    static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void noDriftNoAlertOverTwentyWindowsThenARealShiftAlertsWithinThePersistenceWindow() {
        // Given a rule on PSI (persistence 3) and one on the drift flag (persistence 2)
        Random random = new Random(7);
        RuleState psi = RuleState.INITIAL;
        RuleState flag = RuleState.INITIAL;
        int raised = 0;
        // When twenty windows of 2,000 predictions come from the reference distributions
        for (int w = 0; w < 20; w++) {
            WindowSummary s = window(w, 2000, random, 0.0, 0.38);
            assertThat(s.features()).extracting(FeatureDrift::drifted).containsOnly(false);
            assertThat(s.metrics().get("psi.amount")).isLessThan(0.05);
            RuleEngine.Decision d1 = RuleEngine.evaluate(PSI_RULE, psi, s, MINUTE, "a" + w);
            RuleEngine.Decision d2 = RuleEngine.evaluate(DRIFT_RULE, flag, s, MINUTE, "b" + w);
            psi = d1.next();
            flag = d2.next();
            raised += (d1.outcome() == RuleEngine.Outcome.RAISE ? 1 : 0) + (d2.outcome() == RuleEngine.Outcome.RAISE
                    ? 1 : 0);
        }
        // Then nothing is raised
        assertThat(raised).isZero();

        // When amount shifts by one standard deviation and online doubles
        List<RuleEngine.Outcome> psiOutcomes = new ArrayList<>();
        List<RuleEngine.Outcome> flagOutcomes = new ArrayList<>();
        for (int w = 20; w < 23; w++) {
            WindowSummary s = window(w, 2000, random, 1.0, 0.76);
            assertThat(s.features()).extracting(FeatureDrift::drifted).containsOnly(true);
            RuleEngine.Decision d1 = RuleEngine.evaluate(PSI_RULE, psi, s, MINUTE, "a" + w);
            RuleEngine.Decision d2 = RuleEngine.evaluate(DRIFT_RULE, flag, s, MINUTE, "b" + w);
            psi = d1.next();
            flag = d2.next();
            psiOutcomes.add(d1.outcome());
            flagOutcomes.add(d2.outcome());
        }
        // Then each rule raises exactly at its persistence: PSI at the third window, the flag at the second
        assertThat(psiOutcomes).containsExactly(RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE,
                RuleEngine.Outcome.RAISE);
        assertThat(flagOutcomes).containsExactly(RuleEngine.Outcome.NONE, RuleEngine.Outcome.RAISE,
                RuleEngine.Outcome.NONE);
    }

    @Test
    void aHugeWindowDoesNotFlagATrivialShift() {
        // Given a million predictions whose amount moved by 0.05 standard deviations
        WindowSummary s = window(0, 1_000_000, new Random(3), 0.05, 0.38);
        FeatureDrift amount = s.features().get(0);
        // Then the shift is significant but too small to matter: not drifted
        assertThat(amount.adjustedPValue()).isLessThan(0.01);
        assertThat(amount.effect()).isLessThan(0.1);
        assertThat(amount.drifted()).isFalse();
    }

    @Test
    void persistenceNeedsConsecutiveBreachesAndSmallWindowsAreSkipped() {
        AlertRule rule = new AlertRule("lat", "p99LatencyMs", true, 25, 500, 3, "page", "oncall", "look", "page");
        RuleState state = RuleState.INITIAL;
        // breach, breach, healthy (resets), breach, small window (skipped), breach, breach -> raise at the last
        double[] values = {30, 30, 10, 30, 99, 30, 30};
        long[] counts = {600, 600, 600, 600, 10, 600, 600};
        List<RuleEngine.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            RuleEngine.Decision d = RuleEngine.evaluate(rule, state, metric(i, "p99LatencyMs", values[i], counts[i]),
                    MINUTE, "alert-" + i);
            state = d.next();
            outcomes.add(d.outcome());
        }
        assertThat(outcomes).containsExactly(RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE,
                RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE,
                RuleEngine.Outcome.RAISE);
        assertThat(state.activeAlertId()).isEqualTo("alert-6");
    }

    @Test
    void anAlertIsRaisedOnceResolvesAfterHealthyWindowsAndRespectsTheCooldown() {
        AlertRule rule = new AlertRule("auc", "auc", false, 0.85, 100, 2, "page", "oncall", "look", "rollback");
        Duration cooldown = Duration.ofMinutes(5);
        RuleState state = RuleState.INITIAL;
        // windows 0..1 breach (raise at 1), 2..3 breach (still open: no repeat), 4..5 healthy (resolve at 5),
        // 6..7 breach (within 5 minutes of the resolve: held back), 8..10 breach (cooldown over at 10: raise)
        double[] auc = {0.7, 0.7, 0.7, 0.7, 0.9, 0.9, 0.7, 0.7, 0.7, 0.7, 0.7};
        List<RuleEngine.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < auc.length; i++) {
            RuleEngine.Decision d = RuleEngine.evaluate(rule, state, metric(i, "auc", auc[i], 200), cooldown,
                    "alert-" + i);
            state = d.next();
            outcomes.add(d.outcome());
        }
        assertThat(outcomes).containsExactly(RuleEngine.Outcome.NONE, RuleEngine.Outcome.RAISE,
                RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE, RuleEngine.Outcome.RESOLVE,
                RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE, RuleEngine.Outcome.NONE,
                RuleEngine.Outcome.RAISE);
    }

    @Test
    void countsSurviveTheirBinaryFormAndMerge() {
        WindowCounts a = counts(0, 500, new Random(1), 0.0, 0.38);
        WindowCounts back = WindowCounts.fromBytes(a.toBytes());
        assertThat(back.toBytes()).isEqualTo(a.toBytes());
        WindowCounts b = counts(0, 300, new Random(2), 0.0, 0.38);
        back.merge(b);
        assertThat(back.served.predictions).isEqualTo(800);
        assertThat(back.features.bins.get("amount")[0] + back.features.bins.get("amount")[9])
                .isEqualTo(a.features.bins.get("amount")[0] + a.features.bins.get("amount")[9]
                        + b.features.bins.get("amount")[0] + b.features.bins.get("amount")[9]);
    }

    static WindowSummary window(int index, int n, Random random, double shift, double onlineShare) {
        return WindowStatistics.summarize(counts(index, n, random, shift, onlineShare), PROFILE, null, Map.of(),
                DriftSettings.DEFAULT, 0);
    }

    static WindowCounts counts(int index, int n, Random random, double shift, double onlineShare) {
        long start = index * 60_000L;
        WindowCounts c = new WindowCounts("card-fraud", 1, start, start + 60_000L);
        for (int i = 0; i < n; i++) {
            Map<String, Observation.Value> f = new HashMap<>();
            f.put("amount", new Observation.Value(random.nextGaussian() + shift, false));
            f.put("online", new Observation.Value(random.nextDouble() < onlineShare, false));
            c.add(new Observation.Served("p" + i, "card-fraud", 1, "CHAMPION", start + i % 60_000, 900, 50, 0.1,
                    false, f), PROFILE);
        }
        return c;
    }

    static WindowSummary metric(int index, String name, double value, long samples) {
        long start = index * 60_000L;
        return new WindowSummary("uc", 1, "CHAMPION", start, start + 60_000L, 0, samples, 0, null, null, null, null,
                null, null, new long[0], null, null, null, 0, List.of(), 0, List.of(), 0,
                new WindowSummary.Performance(0, null, null, null, null, null, null, null, null), Map.of(),
                Map.of(name, value), Map.of(name, samples));
    }

    static double[] tenths() {
        double[] f = new double[10];
        java.util.Arrays.fill(f, 0.1);
        return f;
    }

    @SuppressWarnings("unused")
    private static UseCaseSettings none() {
        return null;
    }
}
