package dev.brigade.monitor.stats;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.brigade.monitor.Observation;
import dev.brigade.monitor.UseCaseSettings;

/**
 * The realised performance of the labels arriving in a window (performance is judged in the window the label
 * arrives in): the confusion matrix and score bins per class (for AUC), errors of a regression, cost, label delay,
 * and the same counts per protected slice for the fairness gaps.
 */
public final class OutcomeCounts {

    static final int AUC_BINS = 200;
    static final int SLICE_COUNTS = 6;

    public long labelled;
    public final long[] positives = new long[AUC_BINS];
    public final long[] negatives = new long[AUC_BINS];
    public long tp;
    public long fp;
    public long tn;
    public long fn;
    public double absErrorSum;
    public double squaredErrorSum;
    public double costSum;
    public double labelDelaySumMillis;
    /**
     * Per protected attribute and slice value (key {@link #sliceKey}): labelled, positives, decided positive, true
     * positives, false positives, sum of absolute errors.
     */
    public final Map<String, double[]> slices = new LinkedHashMap<>();

    public static String sliceKey(String attribute, String value) {
        return attribute + "\u001f" + value;
    }

    void add(Observation.Labelled l, UseCaseSettings settings) {
        labelled++;
        labelDelaySumMillis += Math.max(0, l.time() - l.servedAt());
        UseCaseSettings.CostMatrix cost = settings.costMatrix();
        if (settings.classification()) {
            boolean actual = l.label() >= 0.5;
            boolean predicted = l.score() >= settings.threshold();
            int b = (int) Math.max(0, Math.min(AUC_BINS - 1, Math.floor(l.score() * AUC_BINS)));
            (actual ? positives : negatives)[b]++;
            UseCaseSettings.Cell cell;
            if (actual && predicted) {
                tp++;
                cell = cost.truePositive();
            } else if (!actual && predicted) {
                fp++;
                cell = cost.falsePositive();
            } else if (actual) {
                fn++;
                cell = cost.falseNegative();
            } else {
                tn++;
                cell = cost.trueNegative();
            }
            costSum += cell.cost(l.costValues());
        } else {
            double err = l.score() - l.label();
            absErrorSum += Math.abs(err);
            squaredErrorSum += err * err;
            costSum += err < 0 ? -err * cost.underPrediction() : err * cost.overPrediction();
        }
        addSlices(l, settings);
    }

    /** The counts behind the fairness gaps, for each protected attribute the label's event has a value for. */
    private void addSlices(Observation.Labelled l, UseCaseSettings settings) {
        for (String attribute : settings.protectedAttributes()) {
            String value = l.slices().get(attribute);
            if (value == null) {
                continue;
            }
            double[] c = slices.computeIfAbsent(sliceKey(attribute, value), k -> new double[SLICE_COUNTS]);
            c[0]++;
            if (settings.classification()) {
                boolean actual = l.label() >= 0.5;
                boolean predicted = l.score() >= settings.threshold();
                c[1] += actual ? 1 : 0;
                c[2] += predicted ? 1 : 0;
                c[3] += actual && predicted ? 1 : 0;
                c[4] += !actual && predicted ? 1 : 0;
            } else {
                c[5] += Math.abs(l.score() - l.label());
            }
        }
    }

    void merge(OutcomeCounts o) {
        labelled += o.labelled;
        WindowCounts.addInto(positives, o.positives);
        WindowCounts.addInto(negatives, o.negatives);
        tp += o.tp;
        fp += o.fp;
        tn += o.tn;
        fn += o.fn;
        absErrorSum += o.absErrorSum;
        squaredErrorSum += o.squaredErrorSum;
        costSum += o.costSum;
        labelDelaySumMillis += o.labelDelaySumMillis;
        o.slices.forEach((k, v) -> {
            double[] into = slices.computeIfAbsent(k, x -> new double[SLICE_COUNTS]);
            for (int i = 0; i < SLICE_COUNTS; i++) {
                into[i] += v[i];
            }
        });
    }
}
