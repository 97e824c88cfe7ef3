package dev.brigade.registry.service;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.brigade.registry.EvaluationReport;
import dev.brigade.registry.EvaluationReport.ChampionComparison;
import dev.brigade.registry.EvaluationReport.SliceResult;
import dev.brigade.registry.FairnessReport;
import dev.brigade.registry.GateCheck;
import dev.brigade.registry.GateCheck.Outcome;
import dev.brigade.registry.GateResult;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.UseCaseSpec.Check;
import dev.brigade.registry.UseCaseSpec.Direction;
import dev.brigade.registry.UseCaseSpec.FairnessGuardrails;
import dev.brigade.registry.UseCaseSpec.Guardrail;
import dev.brigade.registry.UseCaseSpec.PromotionPolicy;
import dev.brigade.registry.UseCaseSpec.SliceGuardrails;

/**
 * The promotion gate's arithmetic, pure: the evaluation report and the latency measurements in, one check per
 * kind out, each with the numbers it decided on. Every check is always reported; a check the policy does not ask
 * for, or one that compares with a champion that does not exist, is SKIPPED and says why.
 */
public final class GateEvaluator {

    private GateEvaluator() {
    }

    /**
     * @param championVersion the current champion, or null for a first model
     * @param candidate the candidate's measured latency
     * @param champion the champion's latency measured in the same run, or null (no champion, or it could not load)
     * @param championProblem why the champion could not be measured, or null
     */
    public record Input(UseCaseSpec spec, int specVersion, EvaluationReport report, Integer championVersion,
            LatencyMeasurement candidate, LatencyMeasurement champion, String championProblem, boolean isBaseline) {
    }

    /** The check every candidate faces, whatever the policy lists: a model must beat the simple baseline. */
    public static final String BEATS_BASELINE = "beats-baseline";

    public static GateResult evaluate(Input in, Instant at) {
        List<GateCheck> checks = List.of(primaryMetric(in), guardrails(in), calibration(in), latency(in),
                economics(in), beatsBaseline(in), fairness(in));
        boolean passed = checks.stream().noneMatch(c -> c.outcome() == Outcome.FAILED);
        return new GateResult(passed, checks, in.championVersion(), in.specVersion(), at);
    }

    static GateCheck primaryMetric(Input in) {
        String name = Check.PRIMARY_METRIC.wire();
        PromotionPolicy policy = in.spec().promotionPolicy();
        if (!policy.requires(Check.PRIMARY_METRIC)) {
            return skipped(name, "not required by the promotion policy");
        }
        if (in.championVersion() == null) {
            return skipped(name, "no champion yet: the first model has nothing to be compared with");
        }
        ChampionComparison c = in.report().championComparison();
        UseCaseSpec.PrimaryMetric primary = in.spec().metrics().primary();
        if (c == null) {
            return failed(name, "the champion is v" + in.championVersion()
                    + " but the evaluation report has no championComparison", Map.of());
        }
        Map<String, Double> numbers = numbers("candidate", c.candidate(), "champion", c.champion(), "delta",
                c.delta(), "ciLow", c.ciLow(), "ciHigh", c.ciHigh(), "n", c.n(), "confidence", c.confidence(),
                "championVersion", c.championVersion());
        if (c.championVersion() != in.championVersion()) {
            return failed(name, "the report compares with v" + c.championVersion() + " but the champion is v"
                    + in.championVersion() + ": evaluate against the current champion", numbers);
        }
        if (!c.metric().equals(primary.name())) {
            return failed(name, "the report compares " + c.metric() + " but the primary metric is " + primary.name(),
                    numbers);
        }
        // Improvement is in the direction the spec calls better: for a lower-is-better metric the CI flips.
        boolean higher = primary.direction() == Direction.HIGHER;
        double lift = higher ? c.delta() : -c.delta();
        double liftLow = higher ? c.ciLow() : -c.ciHigh();
        double liftHigh = higher ? c.ciHigh() : -c.ciLow();
        numbers.put("lift", lift);
        numbers.put("liftCiLow", liftLow);
        numbers.put("liftCiHigh", liftHigh);
        String ci = pct(c.confidence()) + " CI of the lift [" + fmt(liftLow) + ", " + fmt(liftHigh) + "]";
        String head = primary.name() + " " + fmt(c.candidate()) + " vs champion v" + c.championVersion() + " "
                + fmt(c.champion()) + " (" + primary.direction().wire() + " is better, n=" + c.n() + "): lift "
                + fmt(lift) + ", " + ci;
        if (policy.minLift() != null) {
            numbers.put("minLift", policy.minLift());
            boolean pass = liftLow > policy.minLift();
            return new GateCheck(name, pass ? Outcome.PASSED : Outcome.FAILED, head + "; lower bound " + fmt(liftLow)
                    + (pass ? " > " : " <= ") + "minLift " + fmt(policy.minLift())
                    + (pass ? ": significant lift" : ": no significant lift"), numbers);
        }
        double margin = policy.nonInferiorityMargin();
        numbers.put("nonInferiorityMargin", margin);
        boolean pass = liftLow > -margin;
        return new GateCheck(name, pass ? Outcome.PASSED : Outcome.FAILED, head + "; lower bound " + fmt(liftLow)
                + (pass ? " > " : " <= ") + "-" + fmt(margin) + (pass ? ": not inferior" : ": may be inferior"),
                numbers);
    }

    /**
     * The candidate's primary metric must be better than the baseline's on the same rows (point estimate, in the
     * metric's direction): a network that a logistic or linear regression matches is not worth serving.
     */
    static GateCheck beatsBaseline(Input in) {
        if (in.isBaseline()) {
            return skipped(BEATS_BASELINE, "this version is the baseline");
        }
        EvaluationReport.BaselineComparison b = in.report().baselineComparison();
        if (b == null) {
            return skipped(BEATS_BASELINE, "the evaluation report has no baseline comparison");
        }
        UseCaseSpec.PrimaryMetric primary = in.spec().metrics().primary();
        Map<String, Double> numbers = numbers("candidate", b.candidate(), "baseline", b.baseline(), "delta",
                b.delta(), "ciLow", b.ciLow(), "ciHigh", b.ciHigh(), "n", b.n());
        if (b.baselineVersion() != null) {
            numbers.put("baselineVersion", (double) b.baselineVersion());
        }
        if (!b.metric().equals(primary.name())) {
            return failed(BEATS_BASELINE, "the report compares " + b.metric() + " with the baseline but the primary"
                    + " metric is " + primary.name(), numbers);
        }
        double lift = primary.direction() == Direction.HIGHER ? b.delta() : -b.delta();
        numbers.put("lift", lift);
        boolean pass = lift > 0;
        return new GateCheck(BEATS_BASELINE, pass ? Outcome.PASSED : Outcome.FAILED, primary.name() + " "
                + fmt(b.candidate()) + " vs baseline " + b.model()
                + (b.baselineVersion() == null ? "" : " (v" + b.baselineVersion() + ")") + " " + fmt(b.baseline())
                + ": lift " + fmt(lift) + (pass ? ", the candidate beats the baseline"
                        : ", the candidate does not beat the baseline"), numbers);
    }

    /** The check every version faces when the spec names protected attributes: the gaps between their slices. */
    public static final String FAIRNESS = "fairness";

    /**
     * For each protected attribute and each gap metric of the task, the gap between the highest and the lowest slice
     * among those with at least minSliceSize rows in the metric's denominator, recomputed from the report's slices;
     * fails when a gap exceeds its cap in the spec's fairness guardrails, or when the report has no slices for a
     * protected attribute. A gap with fewer than two slices to compare is reported as not measured.
     */
    static GateCheck fairness(Input in) {
        List<String> attributes = in.spec().protectedAttributes();
        if (attributes == null || attributes.isEmpty()) {
            return skipped(FAIRNESS, "the use case names no protected attributes");
        }
        FairnessGuardrails guard = in.spec().metrics().guardrails().fairness();
        Map<String, Double> caps = guard == null ? Map.of() : guard.maxGaps();
        int minSliceSize = in.spec().fairnessMinSliceSize();
        Map<String, Double> numbers = numbers("minSliceSize", minSliceSize);
        FairnessReport report = in.report().fairness();
        if (report == null) {
            return failed(FAIRNESS, "the evaluation report has no fairness section for the protected attributes "
                    + String.join(", ", attributes), numbers);
        }
        List<String> failures = new ArrayList<>();
        List<String> held = new ArrayList<>();
        List<String> unmeasured = new ArrayList<>();
        for (String attribute : attributes) {
            FairnessReport.Attribute section = report.attribute(attribute);
            if (section == null || section.slices().isEmpty()) {
                failures.add("the report has no fairness slices for " + attribute);
                continue;
            }
            for (String metric : in.spec().fairnessMetrics()) {
                Double cap = caps.get(metric);
                MeasuredGap gap = gap(section.slices(), metric, minSliceSize);
                if (gap == null) {
                    unmeasured.add(attribute + " " + metric);
                    continue;
                }
                String key = attribute + "." + metric;
                numbers.put(key + ".gap", gap.gap());
                numbers.put(key + ".slicesCompared", (double) gap.slicesCompared());
                if (cap != null) {
                    numbers.put(key + ".maxGap", cap);
                }
                String text = attribute + " " + metric + " gap " + fmt(gap.gap()) + " (" + gap.highest() + " "
                        + fmt(gap.highestValue()) + " vs " + gap.lowest() + " " + fmt(gap.lowestValue()) + ", "
                        + gap.slicesCompared() + " slices)";
                if (cap != null && gap.gap() > cap) {
                    failures.add(text + " exceeds the cap " + fmt(cap));
                } else {
                    held.add(cap == null ? text + ", no cap" : text + " <= cap " + fmt(cap));
                }
            }
        }
        String rest = (held.isEmpty() ? "" : "; within: " + String.join("; ", held))
                + (unmeasured.isEmpty() ? "" : "; not measured (fewer than 2 slices with >= " + minSliceSize
                        + " rows in the rate's denominator): " + String.join(", ", unmeasured));
        if (!failures.isEmpty()) {
            return failed(FAIRNESS, String.join("; ", failures) + rest, numbers);
        }
        return new GateCheck(FAIRNESS, Outcome.PASSED, (caps.isEmpty() ? "gaps measured, none capped by the spec"
                : "every measured gap within its cap") + rest, numbers);
    }

    /** A gap between two named slices over the slices compared. */
    public record MeasuredGap(String metric, double gap, String highest, double highestValue, String lowest,
            double lowestValue, int slicesCompared) {
    }

    /**
     * The gap of one metric over the slices with at least minSliceSize rows in its denominator and a value for it;
     * null with fewer than two such slices. Ties go to the first slice in the report's order.
     */
    public static MeasuredGap gap(List<FairnessReport.Slice> slices, String metric, int minSliceSize) {
        FairnessReport.Slice high = null;
        FairnessReport.Slice low = null;
        int compared = 0;
        for (FairnessReport.Slice slice : slices) {
            Double value = slice.metrics().get(metric);
            if (value == null || !Double.isFinite(value) || slice.support(metric) < minSliceSize) {
                continue;
            }
            compared++;
            if (high == null || value > high.metrics().get(metric)) {
                high = slice;
            }
            if (low == null || value < low.metrics().get(metric)) {
                low = slice;
            }
        }
        if (compared < 2) {
            return null;
        }
        double hv = high.metrics().get(metric);
        double lv = low.metrics().get(metric);
        return new MeasuredGap(metric, hv - lv, high.value(), hv, low.value(), lv, compared);
    }

    static GateCheck guardrails(Input in) {
        String name = Check.GUARDRAILS.wire();
        if (!in.spec().promotionPolicy().requires(Check.GUARDRAILS)) {
            return skipped(name, "not required by the promotion policy");
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        EvaluationReport report = in.report();
        for (Guardrail rule : in.spec().metrics().guardrails().overall()) {
            Double value = report.overall().metrics().get(rule.metric());
            if (value == null) {
                failures.add("overall " + rule.metric() + " is missing from the report");
                continue;
            }
            numbers.put("overall." + rule.metric(), value);
            if (!rule.holds(value)) {
                failures.add("overall " + rule.metric() + " " + fmt(value) + " is not " + rule.bound());
            }
        }
        SliceGuardrails perSlice = in.spec().metrics().guardrails().perSlice();
        numbers.put("minSliceSize", (double) perSlice.minSliceSize());
        List<String> skipped = new ArrayList<>();
        int evaluated = 0;
        Set<String> attributesSeen = new TreeSet<>();
        for (SliceResult slice : report.slices()) {
            if (!perSlice.slices().contains(slice.slice())) {
                continue;
            }
            attributesSeen.add(slice.slice());
            numbers.put("slice." + slice.label() + ".n", (double) slice.n());
            if (slice.n() < perSlice.minSliceSize()) {
                skipped.add(slice.label() + " (n=" + slice.n() + ")");
                continue;
            }
            evaluated++;
            for (Guardrail rule : perSlice.rules()) {
                Double value = slice.metrics().get(rule.metric());
                if (value == null) {
                    failures.add(slice.label() + " " + rule.metric() + " is missing from the report");
                    continue;
                }
                numbers.put("slice." + slice.label() + "." + rule.metric(), value);
                if (!rule.holds(value)) {
                    failures.add(slice.label() + " " + rule.metric() + " " + fmt(value) + " is not " + rule.bound());
                }
            }
        }
        for (String attribute : perSlice.slices()) {
            if (!attributesSeen.contains(attribute)) {
                failures.add("the report has no slices for " + attribute);
            }
        }
        numbers.put("slicesEvaluated", (double) evaluated);
        numbers.put("slicesSkipped", (double) skipped.size());
        String skippedText = skipped.isEmpty() ? "" : "; skipped as smaller than minSliceSize "
                + perSlice.minSliceSize() + ": " + String.join(", ", skipped);
        if (!failures.isEmpty()) {
            return failed(name, String.join("; ", failures) + skippedText, numbers);
        }
        return new GateCheck(name, Outcome.PASSED, "all overall guardrails hold and all " + evaluated
                + " evaluated slices hold" + skippedText, numbers);
    }

    static GateCheck calibration(Input in) {
        String name = Check.CALIBRATION.wire();
        PromotionPolicy policy = in.spec().promotionPolicy();
        if (!policy.requires(Check.CALIBRATION)) {
            return skipped(name, "not required by the promotion policy");
        }
        if (!in.spec().isClassification()) {
            return skipped(name, "not applicable to regression");
        }
        EvaluationReport.Calibration calibration = in.report().calibration();
        if (calibration == null) {
            return failed(name, "the evaluation report has no calibration", Map.of());
        }
        Map<String, Double> numbers = numbers("ece", calibration.ece(), "maxCalibrationError",
                policy.maxCalibrationError(), "bins", calibration.bins().size());
        boolean pass = calibration.ece() <= policy.maxCalibrationError();
        return new GateCheck(name, pass ? Outcome.PASSED : Outcome.FAILED, "ECE " + fmt(calibration.ece())
                + (pass ? " <= " : " > ") + "max " + fmt(policy.maxCalibrationError()) + " over "
                + calibration.bins().size() + " bins", numbers);
    }

    static GateCheck latency(Input in) {
        String name = Check.LATENCY.wire();
        if (!in.spec().promotionPolicy().requires(Check.LATENCY)) {
            return skipped(name, "not required by the promotion policy");
        }
        LatencyMeasurement m = in.candidate();
        double budget = in.spec().serving().latencyBudgetMs();
        Map<String, Double> numbers = numbers("p50Ms", m.p50Ms(), "p99Ms", m.p99Ms(), "meanMs", m.meanMs(),
                "budgetMs", budget, "predictions", m.predictions(), "cpuSecondsPerPrediction",
                m.cpuSecondsPerPrediction());
        boolean pass = m.p99Ms() <= budget;
        return new GateCheck(name, pass ? Outcome.PASSED : Outcome.FAILED, "measured p99 " + fmt(m.p99Ms())
                + " ms over " + m.predictions() + " single-row predictions" + (pass ? " <= " : " > ") + "budget "
                + fmt(budget) + " ms", numbers);
    }

    static GateCheck economics(Input in) {
        String name = Check.ECONOMICS.wire();
        if (!in.spec().promotionPolicy().requires(Check.ECONOMICS)) {
            return skipped(name, "not required by the promotion policy");
        }
        if (in.championVersion() == null) {
            return skipped(name, "no champion yet: no lift and no extra cost to weigh");
        }
        EvaluationReport.BusinessValue business = in.report().businessMetric();
        if (business.champion() == null) {
            return failed(name, "the report has no champion value of " + business.name(), Map.of());
        }
        if (in.champion() == null) {
            return failed(name, "cannot measure champion v" + in.championVersion() + ": " + in.championProblem(),
                    Map.of());
        }
        UseCaseSpec.Economics economics = in.spec().economics();
        Economics e = economics(business.candidate(), business.champion(), in.candidate().cpuSecondsPerPrediction(),
                in.champion().cpuSecondsPerPrediction(), economics.dailyVolume(), economics.cpuSecondCost());
        Map<String, Double> numbers = numbers("businessCandidate", business.candidate(), "businessChampion",
                business.champion(), "dailyVolume", economics.dailyVolume(), "valuePerDay", e.valuePerDay(),
                "candidateCpuSecondsPerPrediction", in.candidate().cpuSecondsPerPrediction(),
                "championCpuSecondsPerPrediction", in.champion().cpuSecondsPerPrediction(), "cpuSecondCost",
                economics.cpuSecondCost(), "extraCostPerDay", e.extraCostPerDay(), "netPerDay", e.netPerDay());
        String currency = economics.currency();
        return new GateCheck(name, e.pays() ? Outcome.PASSED : Outcome.FAILED, business.name() + " "
                + fmt(business.candidate()) + " vs " + fmt(business.champion()) + " per prediction x "
                + economics.dailyVolume() + "/day = value " + fmt(e.valuePerDay()) + " " + currency
                + "/day; extra serving cost " + fmt(e.extraCostPerDay()) + " " + currency + "/day; net "
                + fmt(e.netPerDay()) + " " + currency + "/day" + (e.pays() ? ": the lift repays its cost"
                        : ": the lift does not repay its cost"), numbers);
    }

    /** Value and cost per day of replacing the champion; the business metric is a cost per prediction. */
    public record Economics(double valuePerDay, double extraCostPerDay) {

        public double netPerDay() {
            return valuePerDay - extraCostPerDay;
        }

        public boolean pays() {
            return netPerDay() >= 0;
        }
    }

    public static Economics economics(double businessCandidate, double businessChampion, double candidateCpuSeconds,
            double championCpuSeconds, long dailyVolume, double cpuSecondCost) {
        double valuePerDay = (businessChampion - businessCandidate) * dailyVolume;
        double extraCostPerDay = (candidateCpuSeconds - championCpuSeconds) * dailyVolume * cpuSecondCost;
        return new Economics(valuePerDay, extraCostPerDay);
    }

    /** A check's numbers in the order given (name, value, name, value, ...), open for more. */
    private static Map<String, Double> numbers(Object... namesAndValues) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            numbers.put((String) namesAndValues[i], ((Number) namesAndValues[i + 1]).doubleValue());
        }
        return numbers;
    }

    private static GateCheck skipped(String name, String why) {
        return new GateCheck(name, Outcome.SKIPPED, why, Map.of());
    }

    private static GateCheck failed(String name, String why, Map<String, Double> numbers) {
        return new GateCheck(name, Outcome.FAILED, why, numbers);
    }

    static String fmt(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String pct(double confidence) {
        return fmt(confidence * 100) + "%";
    }
}
