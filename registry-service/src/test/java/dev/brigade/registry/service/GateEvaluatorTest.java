package dev.brigade.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.brigade.registry.EvaluationReport;
import dev.brigade.registry.EvaluationReport.BusinessValue;
import dev.brigade.registry.EvaluationReport.Calibration;
import dev.brigade.registry.EvaluationReport.ChampionComparison;
import dev.brigade.registry.EvaluationReport.Overall;
import dev.brigade.registry.EvaluationReport.SliceResult;
import dev.brigade.registry.FairnessReport;
import dev.brigade.registry.Fixtures;
import dev.brigade.registry.GateCheck;
import dev.brigade.registry.GateCheck.Outcome;
import dev.brigade.registry.GateResult;
import dev.brigade.registry.UseCaseSpec;

/** The gate's decisions against numbers worked out by hand. */
class GateEvaluatorTest {

    private static final Instant AT = Instant.parse("2026-11-26T09:00:00Z");
    private static final UseCaseSpec FRAUD = spec("card-fraud.yaml", "card-fraud");
    private static final UseCaseSpec ETA = spec("delivery-eta.yaml", "delivery-eta");
    private static final LatencyMeasurement FAST = new LatencyMeasurement(2000, 0.004, 0.012, 0.005, 4e-6);
    private static final LatencyMeasurement CHAMPION_SPEED = new LatencyMeasurement(2000, 0.003, 0.010, 0.004, 2e-6);

    @Test
    void aLiftIsSignificantOnlyWhenTheLowerBoundClearsMinLift() {
        // Given auc deltas of +0.007 with CIs [0.003, 0.011] and [0.001, 0.013]; the policy's minLift is 0.002
        GateCheck significant = primary(FRAUD, comparison(3, "auc", 0.007, 0.003, 0.011));
        GateCheck notSignificant = primary(FRAUD, comparison(3, "auc", 0.007, 0.001, 0.013));

        // Then only the first passes: 0.003 > 0.002, while 0.001 <= 0.002 although the delta itself is larger
        assertThat(significant.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(significant.numbers()).containsEntry("liftCiLow", 0.003).containsEntry("minLift", 0.002)
                .containsEntry("delta", 0.007).containsEntry("n", 8000.0);
        assertThat(significant.detail()).contains("significant lift").contains("champion v3");
        assertThat(notSignificant.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(notSignificant.detail()).contains("lower bound 0.001 <= minLift 0.002");
    }

    @Test
    void nonInferiorityFlipsTheIntervalForALowerIsBetterMetric() {
        // Given mae (lower is better), margin 0.25: delta +0.1 min with CI [-0.05, 0.20] -> lift CI [-0.20, 0.05]
        GateCheck within = primary(ETA, comparison(2, "mae", 0.10, -0.05, 0.20));
        // and delta +0.1 with CI [-0.05, 0.30] -> lift CI [-0.30, 0.05]
        GateCheck beyond = primary(ETA, comparison(2, "mae", 0.10, -0.05, 0.30));

        // Then -0.20 > -0.25 is not inferior, -0.30 <= -0.25 may be inferior
        assertThat(within.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(within.numbers().get("liftCiLow")).isCloseTo(-0.20, within(1e-12));
        assertThat(within.numbers().get("lift")).isCloseTo(-0.10, within(1e-12));
        assertThat(within.detail()).contains("not inferior");
        assertThat(beyond.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(beyond.numbers().get("liftCiLow")).isCloseTo(-0.30, within(1e-12));
        assertThat(beyond.detail()).contains("may be inferior");
    }

    @Test
    void aComparisonWithAnotherChampionOrMetricFails() {
        // Given reports comparing with v2 while the champion is v3, and comparing the wrong metric
        GateCheck stale = GateEvaluator.primaryMetric(input(FRAUD, report(comparison(2, "auc", 0.01, 0.005, 0.02)), 3));
        GateCheck wrongMetric = primary(FRAUD, comparison(3, "recall", 0.01, 0.005, 0.02));
        GateCheck none = GateEvaluator.primaryMetric(input(FRAUD, report(null), 3));

        // Then each fails saying why
        assertThat(stale.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(stale.detail()).contains("compares with v2 but the champion is v3");
        assertThat(wrongMetric.detail()).contains("compares recall but the primary metric is auc");
        assertThat(none.detail()).contains("no championComparison");
    }

    @Test
    void theFirstModelSkipsTheComparisonChecksAndSaysSo() {
        // Given a first model (no champion) with good absolute numbers
        GateResult gate = GateEvaluator.evaluate(input(FRAUD, report(null), null), AT);

        // Then primary-metric and economics are skipped and marked so, the rest is evaluated, and the gate passes
        assertThat(gate.passed()).as("%s", gate.checks()).isTrue();
        assertThat(gate.championVersion()).isNull();
        assertThat(gate.checks()).extracting(GateCheck::name, GateCheck::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("primary-metric", Outcome.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("guardrails", Outcome.PASSED),
                org.assertj.core.groups.Tuple.tuple("calibration", Outcome.PASSED),
                org.assertj.core.groups.Tuple.tuple("latency", Outcome.PASSED),
                org.assertj.core.groups.Tuple.tuple("economics", Outcome.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("beats-baseline", Outcome.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("fairness", Outcome.PASSED));
        assertThat(gate.checks().get(0).detail()).contains("no champion yet");
    }

    @Test
    void aCandidateThatDoesNotBeatTheBaselineIsBlocked() {
        // Given a first model whose AUC 0.905 is below the logistic regression's 0.91 on the same rows
        EvaluationReport.BaselineComparison worse = new EvaluationReport.BaselineComparison(4,
                "logistic regression", "auc", 0.905, 0.91, -0.005, -0.012, 0.002, 8000);
        EvaluationReport.BaselineComparison better = new EvaluationReport.BaselineComparison(4,
                "logistic regression", "auc", 0.93, 0.91, 0.02, 0.01, 0.03, 8000);
        EvaluationReport.BaselineComparison etaWorse = new EvaluationReport.BaselineComparison(null,
                "linear regression", "mae", 6.4, 6.2, 0.2, 0.1, 0.3, 5000);

        // When gated
        GateResult blocked = GateEvaluator.evaluate(input(FRAUD, withBaseline(worse), null), AT);
        GateResult passed = GateEvaluator.evaluate(input(FRAUD, withBaseline(better), null), AT);
        GateCheck eta = GateEvaluator.beatsBaseline(input(ETA, withBaseline(etaWorse), null));
        GateCheck itself = GateEvaluator.beatsBaseline(new GateEvaluator.Input(FRAUD, 1, withBaseline(worse), null,
                FAST, null, null, true));

        // Then the worse one fails the gate with the numbers, the better one passes, lower-is-better flips the sign
        assertThat(blocked.passed()).isFalse();
        GateCheck check = blocked.checks().get(5);
        assertThat(check.name()).isEqualTo("beats-baseline");
        assertThat(check.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(check.detail()).contains("auc 0.905 vs baseline logistic regression (v4) 0.91")
                .contains("does not beat the baseline");
        assertThat(check.numbers()).containsEntry("lift", -0.005).containsEntry("baselineVersion", 4.0);
        assertThat(passed.passed()).isTrue();
        assertThat(passed.checks().get(5).outcome()).isEqualTo(Outcome.PASSED);
        assertThat(eta.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(eta.numbers()).containsEntry("lift", -0.2);
        assertThat(itself.outcome()).isEqualTo(Outcome.SKIPPED);
    }

    private static EvaluationReport withBaseline(EvaluationReport.BaselineComparison baseline) {
        return new EvaluationReport(null, overall(), slices(), calibration(0.03),
                new BusinessValue("expected-cost-per-transaction", 0.42, null), null, null, baseline, List.of(), null);
    }

    @Test
    void slicesBelowTheMinimumSizeAreSkippedAndReported() {
        // Given slices eu (n=5200, recall 0.74), apac (n=150 < 200, recall 0.10), mobile (n=4100, recall 0.45)
        EvaluationReport report = new EvaluationReport(null, overall(), List.of(
                new SliceResult("region", "eu", 5200, Map.of("recall", 0.74)),
                new SliceResult("region", "apac", 150, Map.of("recall", 0.10)),
                new SliceResult("device", "mobile", 4100, Map.of("recall", 0.45))), calibration(0.03),
                new BusinessValue("expected-cost-per-transaction", 0.42, null), null, null, null, List.of(), null);

        // When the guardrails are checked (per-slice rule: recall >= 0.50)
        GateCheck check = GateEvaluator.guardrails(input(FRAUD, report, null));

        // Then apac is skipped (not failed), mobile fails, and the numbers show each slice
        assertThat(check.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(check.detail()).contains("device=mobile recall 0.45 is not >= 0.5")
                .contains("skipped as smaller than minSliceSize 200: region=apac (n=150)")
                .doesNotContain("region=apac recall");
        assertThat(check.numbers()).containsEntry("slicesEvaluated", 2.0).containsEntry("slicesSkipped", 1.0)
                .containsEntry("slice.region=apac.n", 150.0).containsEntry("slice.region=eu.recall", 0.74)
                .doesNotContainKey("slice.region=apac.recall");
    }

    @Test
    void aSliceAttributeWithNoSlicesAndAnOverallBreachFail() {
        // Given only region slices (device is declared too) and overall recall 0.55 < 0.60
        EvaluationReport report = new EvaluationReport(null, new Overall(8000, Map.of("auc", 0.9, "recall", 0.55,
                "precision", 0.3)), List.of(new SliceResult("region", "eu", 5200, Map.of("recall", 0.74))),
                calibration(0.03), new BusinessValue("expected-cost-per-transaction", 0.42, null),
                null, null, null, List.of(), null);

        // Then both are named
        GateCheck check = GateEvaluator.guardrails(input(FRAUD, report, null));
        assertThat(check.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(check.detail()).contains("overall recall 0.55 is not >= 0.6")
                .contains("the report has no slices for device");
    }

    @Test
    void calibrationAndLatencyCompareWithThePolicy() {
        // Given ECE 0.06 against max 0.05, and a measured p99 of 30 ms against a 25 ms budget
        GateCheck calibration = GateEvaluator.calibration(input(FRAUD, reportWithEce(0.06), null));
        GateEvaluator.Input slow = new GateEvaluator.Input(FRAUD, 1, report(null), null,
                new LatencyMeasurement(2000, 12, 30, 14, 0.013), null, null, false);
        GateCheck latency = GateEvaluator.latency(slow);
        GateCheck regression = GateEvaluator.calibration(input(ETA, report(null), null));

        // Then both fail with their numbers; calibration does not apply to regression
        assertThat(calibration.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(calibration.numbers()).containsEntry("ece", 0.06).containsEntry("maxCalibrationError", 0.05);
        assertThat(latency.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(latency.numbers()).containsEntry("p99Ms", 30.0).containsEntry("budgetMs", 25.0);
        assertThat(latency.detail()).contains("measured p99 30 ms").contains("> budget 25 ms");
        assertThat(regression.outcome()).isEqualTo(Outcome.SKIPPED);
    }

    @Test
    void economicsWeighsValuePerDayAgainstExtraServingCost() {
        // Given cost per transaction 0.45 -> 0.40 at 2,000,000 a day: value (0.45 - 0.40) * 2e6 = 100,000 a day;
        // extra CPU 4e-6 - 2e-6 = 2e-6 s a prediction at 0.00005 a CPU-second: 2e-6 * 2e6 * 0.00005 = 0.0002 a day
        GateEvaluator.Economics pays = GateEvaluator.economics(0.40, 0.45, 4e-6, 2e-6, 2_000_000, 0.00005);
        // and a lift of 0.0001 (200 a day) against 2 ms more CPU at 0.1 a CPU-second: 0.002 * 2e6 * 0.1 = 400
        GateEvaluator.Economics doesNot = GateEvaluator.economics(0.4499, 0.45, 0.0025, 0.0005, 2_000_000, 0.1);

        // Then
        assertThat(pays.valuePerDay()).isCloseTo(100_000, within(1e-6));
        assertThat(pays.extraCostPerDay()).isCloseTo(0.0002, within(1e-12));
        assertThat(pays.pays()).isTrue();
        assertThat(doesNot.valuePerDay()).isCloseTo(200, within(1e-6));
        assertThat(doesNot.extraCostPerDay()).isCloseTo(400, within(1e-9));
        assertThat(doesNot.netPerDay()).isCloseTo(-200, within(1e-6));
        assertThat(doesNot.pays()).isFalse();
    }

    @Test
    void theEconomicsCheckUsesTheSpecsVolumeAndCpuPrice() {
        // Given the fraud spec (2,000,000 a day, 0.00005 a CPU-second) and business metric 0.45 -> 0.40
        EvaluationReport report = new EvaluationReport(null, overall(), slices(), calibration(0.03),
                new BusinessValue("expected-cost-per-transaction", 0.40, 0.45),
                comparison(3, "auc", 0.007, 0.003, 0.011), null, null, List.of(), null);

        // When the whole gate runs against champion v3
        GateResult gate = GateEvaluator.evaluate(new GateEvaluator.Input(FRAUD, 2, fair(FRAUD, report), 3, FAST,
                CHAMPION_SPEED,
                null, false), AT);

        // Then economics passes with the hand-computed numbers, and so does the gate
        GateCheck economics = gate.checks().get(4);
        assertThat(economics.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(economics.numbers().get("valuePerDay")).isCloseTo(100_000, within(1e-6));
        assertThat(economics.numbers().get("extraCostPerDay")).isCloseTo(0.0002, within(1e-12));
        assertThat(gate.passed()).isTrue();
        assertThat(gate.championVersion()).isEqualTo(3);
        assertThat(gate.specVersion()).isEqualTo(2);
    }

    @Test
    void economicsFailsWhenTheChampionCannotBeMeasuredOrPriced() {
        EvaluationReport unpriced = new EvaluationReport(null, overall(), slices(), calibration(0.03),
                new BusinessValue("expected-cost-per-transaction", 0.40, null), comparison(3, "auc", 0.007, 0.003,
                        0.011), null, null, List.of(), null);
        GateCheck noPrice = GateEvaluator.economics(new GateEvaluator.Input(FRAUD, 1, unpriced, 3, FAST,
                CHAMPION_SPEED, null, false));
        GateCheck noChampion = GateEvaluator.economics(new GateEvaluator.Input(FRAUD, 1, report(null), 3, FAST, null,
                "artifact sha256:ab is damaged", false));

        assertThat(noPrice.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(noPrice.detail()).contains("no champion value of expected-cost-per-transaction");
        assertThat(noChampion.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(noChampion.detail()).contains("cannot measure champion v3: artifact sha256:ab is damaged");
    }

    @Test
    void checksThePolicyDoesNotAskForAreSkipped() {
        // Given the delivery-eta policy, which does not list calibration
        GateResult gate = GateEvaluator.evaluate(input(ETA, report(null), null), AT);

        // Then calibration is skipped, saying why
        GateCheck calibration = gate.checks().get(2);
        assertThat(calibration.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(calibration.detail()).isEqualTo("not required by the promotion policy");
    }

    private static GateCheck primary(UseCaseSpec spec, ChampionComparison comparison) {
        return GateEvaluator.primaryMetric(input(spec, report(comparison), comparison.championVersion()));
    }

    @Test
    void aFairnessGapBeyondItsCapBlocksTheGate() {
        // Given card-fraud's caps (falsePositiveRate gap <= 0.03 over slices with >= 1000 negatives): device mobile
        // holds 2% of its 3936 honest customers, web 10% of its 3744 -> gap 0.08; and the same with web at 4%
        GateResult blocked = GateEvaluator.evaluate(input(FRAUD, fair(report(null), fraudFairness(0.10)), null), AT);
        GateResult within = GateEvaluator.evaluate(input(FRAUD, fair(report(null), fraudFairness(0.04)), null), AT);

        // Then the first is blocked naming attribute, metric, gap, cap and slices; the second passes with gap 0.02
        assertThat(blocked.passed()).isFalse();
        GateCheck check = blocked.checks().get(6);
        assertThat(check.name()).isEqualTo("fairness");
        assertThat(check.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(check.detail()).startsWith("device falsePositiveRate gap 0.08 (web 0.1 vs mobile 0.02, 2 slices)"
                + " exceeds the cap 0.03");
        assertThat(check.numbers().get("device.falsePositiveRate.gap")).isCloseTo(0.08, within(1e-12));
        assertThat(check.numbers()).containsEntry("device.falsePositiveRate.maxGap", 0.03)
                .containsEntry("minSliceSize", 1000.0);
        assertThat(within.passed()).isTrue();
        GateCheck ok = within.checks().get(6);
        assertThat(ok.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(ok.numbers().get("device.falsePositiveRate.gap")).isCloseTo(0.02, within(1e-12));
        // The positive-rate gap across devices is measured (0.06 - 0.05); region's apac (150 rows) is too small, so
        // region has one slice per rate and no gap, and no slice has 500 frauds for a true-positive-rate gap
        assertThat(ok.numbers().get("device.positiveRate.gap")).isCloseTo(0.01, within(1e-12));
        assertThat(ok.detail()).contains("not measured").contains("region positiveRate")
                .contains("device truePositiveRate");
    }

    @Test
    void aRegressionCapsTheErrorGapAndTheCheckIsSkippedWithoutProtectedAttributes() {
        // Given delivery-eta (mae gap <= 2.5 across zones of >= 300 deliveries): north 6.0, south 9.0, east 250 rows
        FairnessReport zones = new FairnessReport(300, List.of(new FairnessReport.Attribute("zone", List.of(
                new FairnessReport.Slice("north", 4000, null, null, Map.of("mae", 6.0)),
                new FairnessReport.Slice("south", 3000, null, null, Map.of("mae", 9.0)),
                new FairnessReport.Slice("east", 250, null, null, Map.of("mae", 20.0))), List.of(), null)));
        GateCheck eta = GateEvaluator.fairness(input(ETA, fair(report(null), zones), null));
        ObjectNode document = (ObjectNode) SpecValidatorTest.yaml(Fixtures.specYaml("delivery-eta.yaml"));
        document.remove("protectedAttributes");
        ((ObjectNode) document.get("metrics").get("guardrails")).remove("fairness");
        UseCaseSpec unprotected = SpecValidator.validate(document, "delivery-eta").spec();
        GateCheck skipped = GateEvaluator.fairness(input(unprotected, report(null), null));
        GateCheck missing = GateEvaluator.fairness(new GateEvaluator.Input(ETA, 1, report(null), null, FAST, null,
                null, false));

        // Then 9.0 - 6.0 = 3.0 > 2.5 fails (east is too small to count), no attributes skips, no section fails
        assertThat(eta.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(eta.detail()).startsWith("zone mae gap 3 (south 9 vs north 6, 2 slices) exceeds the cap 2.5");
        assertThat(skipped.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(skipped.detail()).isEqualTo("the use case names no protected attributes");
        assertThat(missing.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(missing.detail()).contains("no fairness section").contains("zone");
    }

    @Test
    void aGapComparesOnlySlicesWithEnoughRowsInTheRatesDenominator() {
        // Given three slices: a 1000 positives / 9000 negatives, b 100 / 900, c 600 / 400
        List<FairnessReport.Slice> slices = List.of(
                new FairnessReport.Slice("a", 10_000, 1000L, 9000L, Map.of("positiveRate", 0.10,
                        "truePositiveRate", 0.80, "falsePositiveRate", 0.02)),
                new FairnessReport.Slice("b", 1000, 100L, 900L, Map.of("positiveRate", 0.30,
                        "truePositiveRate", 0.20, "falsePositiveRate", 0.30)),
                new FairnessReport.Slice("c", 1000, 600L, 400L, Map.of("positiveRate", 0.45,
                        "truePositiveRate", 0.70, "falsePositiveRate", 0.075)));

        // When gaps are taken at minSliceSize 500
        GateEvaluator.MeasuredGap positive = GateEvaluator.gap(slices, "positiveRate", 500);
        GateEvaluator.MeasuredGap tpr = GateEvaluator.gap(slices, "truePositiveRate", 500);
        GateEvaluator.MeasuredGap fpr = GateEvaluator.gap(slices, "falsePositiveRate", 500);

        // Then the positive rate compares all three (0.45 - 0.10); TPR a and c (b has 100 positives): 0.80 - 0.70;
        // FPR a and b (c has 400 negatives): 0.30 - 0.02
        assertThat(positive.gap()).isCloseTo(0.35, within(1e-12));
        assertThat(positive.highest()).isEqualTo("c");
        assertThat(positive.lowest()).isEqualTo("a");
        assertThat(positive.slicesCompared()).isEqualTo(3);
        assertThat(tpr.gap()).isCloseTo(0.10, within(1e-12));
        assertThat(tpr.slicesCompared()).isEqualTo(2);
        assertThat(fpr.gap()).isCloseTo(0.28, within(1e-12));
        assertThat(fpr.highest()).isEqualTo("b");
        assertThat(GateEvaluator.gap(slices, "truePositiveRate", 700)).isNull();
    }

    /** card-fraud's fairness section: regions eu and a small apac, devices mobile (FPR 2%) and web (FPR given). */
    private static FairnessReport fraudFairness(double webFalsePositiveRate) {
        return new FairnessReport(500, List.of(
                new FairnessReport.Attribute("region", List.of(
                        rates("eu", 5200, 208, 0.05, 0.72, 0.02), rates("apac", 150, 6, 0.06, 0.5, 0.04)),
                        List.of(), null),
                new FairnessReport.Attribute("device", List.of(
                        rates("mobile", 4100, 164, 0.05, 0.70, 0.02),
                        rates("web", 3900, 156, 0.06, 0.73, webFalsePositiveRate)), List.of(), null)));
    }

    private static FairnessReport.Slice rates(String value, long n, long positives, double positiveRate,
            double truePositiveRate, double falsePositiveRate) {
        return new FairnessReport.Slice(value, n, positives, n - positives, Map.of("positiveRate", positiveRate,
                "truePositiveRate", truePositiveRate, "falsePositiveRate", falsePositiveRate));
    }

    /** The report with the spec's fairness section, within its caps, unless it has one. */
    private static EvaluationReport fair(UseCaseSpec spec, EvaluationReport report) {
        if (report.fairness() != null || spec.protectedAttributes().isEmpty()) {
            return report;
        }
        return fair(report, spec.isClassification() ? fraudFairness(0.03)
                : new FairnessReport(300, List.of(new FairnessReport.Attribute("zone", List.of(
                        new FairnessReport.Slice("north", 4000, null, null, Map.of("mae", 6.0)),
                        new FairnessReport.Slice("south", 4000, null, null, Map.of("mae", 6.4))), List.of(), null))));
    }

    private static EvaluationReport fair(EvaluationReport r, FairnessReport fairness) {
        return new EvaluationReport(r.holdout(), r.overall(), r.slices(), r.calibration(), r.businessMetric(),
                r.championComparison(), r.latency(), r.baselineComparison(), r.worstExamples(), fairness);
    }

    private static GateEvaluator.Input input(UseCaseSpec spec, EvaluationReport report, Integer champion) {
        return new GateEvaluator.Input(spec, 1, fair(spec, report), champion, FAST,
                champion == null ? null : CHAMPION_SPEED, null, false);
    }

    private static ChampionComparison comparison(int version, String metric, double delta, double low, double high) {
        return new ChampionComparison(version, metric, 0.9 + delta, 0.9, delta, low, high, 8000, 0.95, 1000);
    }

    private static EvaluationReport report(ChampionComparison comparison) {
        return new EvaluationReport(null, overall(), slices(), calibration(0.03),
                new BusinessValue("expected-cost-per-transaction", 0.42, 0.45),
                comparison, null, null, List.of(), null);
    }

    private static EvaluationReport reportWithEce(double ece) {
        return new EvaluationReport(null, overall(), slices(), calibration(ece),
                new BusinessValue("expected-cost-per-transaction", 0.42, null), null, null, null, List.of(), null);
    }

    private static Overall overall() {
        return new Overall(8000, Map.of("auc", 0.91, "recall", 0.72, "precision", 0.31, "mae", 6.2,
                "p90AbsoluteError", 14.0));
    }

    private static List<SliceResult> slices() {
        return List.of(new SliceResult("region", "eu", 5200, Map.of("recall", 0.74, "mae", 6.0)),
                new SliceResult("device", "web", 3900, Map.of("recall", 0.73, "mae", 6.0)),
                new SliceResult("zone", "north", 4000, Map.of("mae", 6.0, "recall", 0.7)));
    }

    private static Calibration calibration(double ece) {
        return new Calibration(ece, List.of(new Calibration.Bin(0, 1, 8000, 0.1, 0.1)));
    }

    private static UseCaseSpec spec(String file, String name) {
        return SpecValidator.validate(SpecValidatorTest.yaml(Fixtures.specYaml(file)), name).spec();
    }
}
