package dev.brigade.monitor.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.monitor.FeatureDrift;
import dev.brigade.monitor.FeatureReference;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.WindowSummary;

/** Turns a window's counts into its summary: drift per feature, latency quantiles, cost, skew, performance. */
public final class WindowStatistics {

    private WindowStatistics() {
    }

    public static WindowSummary summarize(WindowCounts w, ReferenceProfile profile, UseCaseSettings settings,
            Map<String, Double> offline, DriftSettings drift, long closedAt) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Long> samples = new LinkedHashMap<>();
        long n = w.served.predictions;
        put(metrics, samples, "volume", (double) n, n);
        put(metrics, samples, "errorRate", n == 0 ? null : (double) w.served.errors / n, n);
        Double p50 = ms(w.served.latency.quantile(0.50));
        Double p95 = ms(w.served.latency.quantile(0.95));
        Double p99 = ms(w.served.latency.quantile(0.99));
        put(metrics, samples, "p50LatencyMs", p50, n);
        put(metrics, samples, "p95LatencyMs", p95, n);
        put(metrics, samples, "p99LatencyMs", p99, n);
        Double cpuPerPrediction = n == 0 ? null : w.served.cpuMicros / 1e6 / n;
        Double cpuCost = cpuPerPrediction == null || settings == null ? null
                : cpuPerPrediction * settings.cpuSecondCost();
        put(metrics, samples, "cpuSecondsPerPrediction", cpuPerPrediction, n);
        put(metrics, samples, "cpuCostPerPrediction", cpuCost, n);
        Double scoreMean = n == 0 ? null : w.served.scoreSum / n;
        put(metrics, samples, "scoreMean", scoreMean, n);

        List<FeatureDrift> features = features(w, profile, drift);
        int drifted = 0;
        for (FeatureDrift f : features) {
            long fn = f.n();
            put(metrics, samples, "psi." + f.feature(), f.psi(), fn);
            put(metrics, samples, (f.test().equals("ks") ? "ks." : "chi2.") + f.feature(), f.statistic(), fn);
            put(metrics, samples, "drift." + f.feature(), f.drifted() ? 1.0 : 0.0, fn);
            put(metrics, samples, "missingRate." + f.feature(), f.missingRate(), n);
            drifted += f.drifted() ? 1 : 0;
        }
        if (!features.isEmpty()) {
            put(metrics, samples, "driftedFeatures", (double) drifted, n);
        }

        List<WindowSummary.FeatureSkew> skew = new ArrayList<>();
        long compared = 0;
        long mismatched = 0;
        for (Map.Entry<String, long[]> e : w.features.skew.entrySet()) {
            long[] c = e.getValue();
            double rate = c[0] == 0 ? 0.0 : (double) c[1] / c[0];
            skew.add(new WindowSummary.FeatureSkew(e.getKey(), c[0], c[1], c[2], rate));
            if (c[0] > 0) {
                put(metrics, samples, "skew." + e.getKey(), rate, c[0]);
            }
            compared += c[0];
            mismatched += c[1];
        }
        if (compared > 0) {
            put(metrics, samples, "skewRate", (double) mismatched / compared, w.features.skewPairs);
        }

        WindowSummary.Performance performance = performance(w, settings);
        long labelled = w.outcomes.labelled;
        put(metrics, samples, "labelled", (double) labelled, labelled);
        put(metrics, samples, "auc", performance.auc(), labelled);
        put(metrics, samples, "accuracy", performance.accuracy(), labelled);
        put(metrics, samples, "precision", performance.precision(), labelled);
        put(metrics, samples, "recall", performance.recall(), labelled);
        put(metrics, samples, "mae", performance.mae(), labelled);
        put(metrics, samples, "rmse", performance.rmse(), labelled);
        put(metrics, samples, "businessMetric", performance.businessMetric(), labelled);
        if (settings != null && settings.businessMetricName() != null) {
            put(metrics, samples, settings.businessMetricName(), performance.businessMetric(), labelled);
        }

        boolean regression = settings != null && !settings.classification();
        WindowSummary.Fairness fairness = fairness(w, settings);
        if (fairness != null) {
            for (WindowSummary.Gap g : fairness.gaps()) {
                put(metrics, samples, "fairness." + g.attribute() + "." + g.metric() + ".gap", g.gap(), g.samples());
            }
        }
        ServedCounts served = w.served;
        return new WindowSummary(w.useCase, w.version, w.variant, w.start, w.end, closedAt, n, served.errors, p50,
                p95, p99, cpuPerPrediction, cpuCost, scoreMean, served.scoreBins.clone(),
                regression ? score(served.scoreSketch.quantile(0.1)) : null,
                regression ? score(served.scoreSketch.quantile(0.5)) : null,
                regression ? score(served.scoreSketch.quantile(0.9)) : null, w.features.unprofiled, features,
                drifted, skew, w.features.skewPairs, performance, offline == null ? Map.of() : offline, metrics,
                samples, fairness);
    }

    /**
     * Per protected attribute, each slice's realised rates (or MAE) and the gap per metric between the highest and
     * the lowest slice with at least minSliceSize labels in the metric's denominator; null without attributes.
     */
    public static WindowSummary.Fairness fairness(WindowCounts w, UseCaseSettings settings) {
        if (settings == null || settings.protectedAttributes().isEmpty()) {
            return null;
        }
        boolean classification = settings.classification();
        List<WindowSummary.SliceRates> slices = new ArrayList<>();
        List<WindowSummary.Gap> gaps = new ArrayList<>();
        for (String attribute : settings.protectedAttributes()) {
            String prefix = OutcomeCounts.sliceKey(attribute, "");
            List<WindowSummary.SliceRates> mine = new ArrayList<>();
            new java.util.TreeMap<>(w.outcomes.slices).forEach((key, c) -> {
                if (!key.startsWith(prefix) || c[0] == 0) {
                    return;
                }
                long n = (long) c[0];
                long positives = (long) c[1];
                long negatives = n - positives;
                Map<String, Double> m = new LinkedHashMap<>();
                if (classification) {
                    m.put("positiveRate", c[2] / n);
                    if (positives > 0) {
                        m.put("truePositiveRate", c[3] / positives);
                    }
                    if (negatives > 0) {
                        m.put("falsePositiveRate", c[4] / negatives);
                    }
                } else {
                    m.put("mae", c[5] / n);
                }
                mine.add(new WindowSummary.SliceRates(attribute, key.substring(prefix.length()), n,
                        classification ? positives : 0, classification ? negatives : 0, m));
            });
            slices.addAll(mine);
            List<String> metricNames = classification ? List.of("positiveRate", "truePositiveRate",
                    "falsePositiveRate") : List.of("mae");
            for (String metric : metricNames) {
                List<WindowSummary.SliceRates> judged = mine.stream().filter(r -> r.metrics().get(metric) != null
                        && support(r, metric) >= settings.fairnessMinSliceSize()).toList();
                if (judged.size() >= 2) {
                    Comparator<WindowSummary.SliceRates> byValue = Comparator.comparingDouble(
                            r -> r.metrics().get(metric));
                    WindowSummary.SliceRates high = Collections.max(judged, byValue);
                    WindowSummary.SliceRates low = Collections.min(judged, byValue);
                    gaps.add(new WindowSummary.Gap(attribute, metric, high.metrics().get(metric)
                            - low.metrics().get(metric), high.value(), low.value(), judged.size(),
                            judged.stream().mapToLong(r -> support(r, metric)).sum()));
                }
            }
        }
        return new WindowSummary.Fairness(settings.fairnessMinSliceSize(), slices, gaps);
    }

    /** The labels in a rate's denominator: positives for the true-positive rate, negatives for the false one. */
    private static long support(WindowSummary.SliceRates slice, String metric) {
        return metric.equals("truePositiveRate") ? slice.positives()
                : metric.equals("falsePositiveRate") ? slice.negatives() : slice.labelled();
    }

    static List<FeatureDrift> features(WindowCounts w, ReferenceProfile profile, DriftSettings settings) {
        if (profile == null || profile.features().isEmpty()) {
            return List.of();
        }
        List<FeatureReference> refs = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        for (FeatureReference ref : profile.features()) {
            long[] c = w.features.bins.get(ref.name());
            if (c != null && c.length == ref.bins() + 2) {
                refs.add(ref);
                counts.add(c);
            }
        }
        double[] psi = new double[refs.size()];
        double[] stat = new double[refs.size()];
        double[] p = new double[refs.size()];
        double[] effect = new double[refs.size()];
        long[] present = new long[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            FeatureReference ref = refs.get(i);
            long[] bins = java.util.Arrays.copyOf(counts.get(i), ref.bins());
            double[] shares = ref.referenceShares();
            present[i] = DriftStatistics.sum(bins);
            psi[i] = DriftStatistics.psi(bins, shares);
            long m = Math.round(profile.n() * (1.0 - ref.missingRate()));
            if (ref.numeric()) {
                stat[i] = DriftStatistics.ksDistance(bins, shares);
                p[i] = DriftStatistics.ksPValue(stat[i], present[i], m);
                effect[i] = stat[i];
            } else {
                double[] chi = DriftStatistics.chiSquare(bins, shares);
                stat[i] = chi[0];
                p[i] = DriftStatistics.chiSquarePValue(chi[0], chi[1]);
                effect[i] = DriftStatistics.cramersV(chi[0], present[i], chi[1]);
            }
        }
        double[] adjusted = DriftStatistics.holm(p);
        List<FeatureDrift> out = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            FeatureReference ref = refs.get(i);
            long[] c = counts.get(i);
            long missing = c[c.length - 2];
            long total = present[i] + missing;
            double minEffect = ref.numeric() ? settings.minKsDistance() : settings.minCramersV();
            boolean drifted = present[i] > 0 && adjusted[i] < settings.alpha() && effect[i] >= minEffect;
            double[] live = new double[ref.bins()];
            for (int b = 0; b < live.length; b++) {
                live[b] = present[i] == 0 ? 0 : (double) c[b] / present[i];
            }
            out.add(new FeatureDrift(ref.name(), ref.type(), ref.numeric() ? "ks" : "chi-square", present[i],
                    total == 0 ? 0 : (double) missing / total, ref.missingRate(), psi[i], stat[i], p[i], adjusted[i],
                    effect[i], drifted, c[c.length - 1], ref.binLabels(), live, ref.referenceShares()));
        }
        return out;
    }

    static WindowSummary.Performance performance(WindowCounts w, UseCaseSettings settings) {
        OutcomeCounts o = w.outcomes;
        long n = o.labelled;
        if (n == 0 || settings == null) {
            return new WindowSummary.Performance(n, null, null, null, null, null, null, null, null);
        }
        Double delayHours = o.labelDelaySumMillis / n / 3_600_000.0;
        Double business = o.costSum / n;
        if (!settings.classification()) {
            return new WindowSummary.Performance(n, null, null, null, null, o.absErrorSum / n,
                    Math.sqrt(o.squaredErrorSum / n), business, delayHours);
        }
        Double accuracy = (double) (o.tp + o.tn) / n;
        Double precision = o.tp + o.fp == 0 ? null : (double) o.tp / (o.tp + o.fp);
        Double recall = o.tp + o.fn == 0 ? null : (double) o.tp / (o.tp + o.fn);
        return new WindowSummary.Performance(n, auc(o.positives, o.negatives), accuracy, precision, recall, null,
                null, business, delayHours);
    }

    /** AUC = P(score of a positive > score of a negative), ties (same bin) counted half; null without both classes. */
    public static Double auc(long[] positives, long[] negatives) {
        double pos = DriftStatistics.sum(positives);
        double neg = DriftStatistics.sum(negatives);
        if (pos == 0 || neg == 0) {
            return null;
        }
        double wins = 0;
        double negBelow = 0;
        for (int b = 0; b < positives.length; b++) {
            wins += positives[b] * (negBelow + 0.5 * negatives[b]);
            negBelow += negatives[b];
        }
        return wins / (pos * neg);
    }

    private static Double ms(double micros) {
        return Double.isNaN(micros) ? null : micros / 1000.0;
    }

    private static Double score(double scaled) {
        return Double.isNaN(scaled) ? null : scaled / 1000.0;
    }

    private static void put(Map<String, Double> metrics, Map<String, Long> samples, String name, Double value,
            long n) {
        if (value != null && Double.isFinite(value)) {
            metrics.put(name, value);
            samples.put(name, n);
        }
    }
}
