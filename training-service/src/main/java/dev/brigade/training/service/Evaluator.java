package dev.brigade.training.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;
import dev.brigade.training.Calibration;
import dev.brigade.training.Champion;
import dev.brigade.training.CostMatrix;
import dev.brigade.training.DeltaInterval;
import dev.brigade.training.Evaluation;
import dev.brigade.training.EvaluationSettings;
import dev.brigade.training.Example;
import dev.brigade.training.Fairness;
import dev.brigade.training.InputFeature;
import dev.brigade.training.SliceResult;
import dev.brigade.training.WorstExample;

/**
 * Evaluates the candidate, and the champion when there is one, on the same holdout rows, always through the
 * platform's {@link Scorer}: the numbers a gate reads are those of the bytes that will be served.
 */
public final class Evaluator {

    private final EvaluationSettings settings;

    public Evaluator(EvaluationSettings settings) {
        this.settings = settings;
    }

    /**
     * @param inputs the candidate's inputs, the order of {@link Example#features()}
     * @param primaryMetric the spec's primary metric, compared with the champion
     * @param sliceAttributes the slice attributes to break metrics down by (e.g. region, device)
     * @param fairnessSettings the protected attributes whose slices' gaps are measured (the champion's on the same
     *        rows too)
     * @throws TrainingFailedException for an empty holdout, an unknown metric, a cost on an unknown input, or a
     *         champion that needs an input the holdout does not carry
     */
    public Evaluation evaluate(ModelTask task, List<InputFeature> inputs, List<Example> holdout, Scorer candidate,
            Optional<Champion> champion, String primaryMetric, List<String> sliceAttributes, CostMatrix costs,
            Fairness.Settings fairnessSettings) {
        if (holdout.isEmpty()) {
            throw new TrainingFailedException("the holdout is empty: nothing to evaluate on");
        }
        int n = holdout.size();
        double[] labels = new double[n];
        for (int r = 0; r < n; r++) {
            labels[r] = holdout.get(r).label();
        }
        double threshold = candidate.decisionThreshold().orElse(0.5);
        var primary = Metrics.named(primaryMetric, task, threshold);
        double[] scores = score(candidate, inputs, holdout);
        Map<String, Double> overall = Metrics.all(task, scores, labels, threshold);

        BusinessMetrics.CostModel costModel = new BusinessMetrics.CostModel(costs, inputs, holdout);
        double businessCandidate = costModel.expectedCost(scores, labels, threshold);

        Map<String, Double> championOverall = Map.of();
        Optional<Double> businessChampion = Optional.empty();
        Optional<DeltaInterval> comparison = Optional.empty();
        double[] championScores = null;
        double championThreshold = 0.5;
        if (champion.isPresent()) {
            Scorer scorer = champion.get().scorer();
            championThreshold = scorer.decisionThreshold().orElse(0.5);
            championScores = score(scorer, inputs, holdout);
            championOverall = Metrics.all(task, championScores, labels, championThreshold);
            businessChampion = Optional.of(costModel.expectedCost(championScores, labels, championThreshold));
            var championPrimary = Metrics.named(primaryMetric, task, championThreshold);
            // Each model is measured at its own threshold, on the same resampled rows.
            comparison = Optional.of(Bootstrap.pairedDelta(primaryMetric, primary, championPrimary, scores,
                    championScores, labels, settings.resamples(), settings.confidence(), settings.seed()));
        }

        Calibration calibration = task == ModelTask.BINARY_CLASSIFICATION
                ? CalibrationMetrics.of(scores, labels, settings.calibrationBins())
                : null;
        Fairness fairness = FairnessMetrics.of(task, holdout, scores, labels, threshold, championScores,
                championThreshold, fairnessSettings);
        return new Evaluation(n, overall, championOverall,
                slices(task, holdout, scores, labels, threshold, sliceAttributes), calibration, costs,
                businessCandidate, businessChampion, comparison, robustness(task, candidate, inputs, holdout, labels),
                settings.robustnessMissingShare(), worst(task, inputs, holdout, scores, labels), fairness);
    }

    /**
     * The candidate against another model (the baseline) on the same rows: the primary metric of each at its own
     * threshold, the delta and its paired bootstrap interval.
     */
    public DeltaInterval compare(ModelTask task, List<InputFeature> inputs, List<Example> holdout, Scorer candidate,
            Scorer other, String primaryMetric) {
        double[] labels = new double[holdout.size()];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = holdout.get(r).label();
        }
        var candidateMetric = Metrics.named(primaryMetric, task, candidate.decisionThreshold().orElse(0.5));
        var otherMetric = Metrics.named(primaryMetric, task, other.decisionThreshold().orElse(0.5));
        return Bootstrap.pairedDelta(primaryMetric, candidateMetric, otherMetric, score(candidate, inputs, holdout),
                score(other, inputs, holdout), labels, settings.resamples(), settings.confidence(), settings.seed());
    }

    /** Scores for the rows with inputs in the model's order; the holdout's values are looked up by name. */
    static double[] score(Scorer scorer, List<InputFeature> inputs, List<Example> rows) {
        int[] column = new int[scorer.inputCount()];
        for (int j = 0; j < column.length; j++) {
            String name = scorer.featureNames().get(j);
            column[j] = -1;
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).name().equals(name)) {
                    column[j] = i;
                }
            }
            if (column[j] < 0) {
                throw new TrainingFailedException("the model needs input " + name
                        + ", which the holdout rows do not carry");
            }
        }
        Scorer.Session session = scorer.newSession();
        double[] row = new double[column.length];
        double[] scores = new double[rows.size()];
        for (int r = 0; r < scores.length; r++) {
            double[] features = rows.get(r).features();
            for (int j = 0; j < column.length; j++) {
                row[j] = features[column[j]];
            }
            scores[r] = session.score(row);
        }
        return scores;
    }

    private static List<SliceResult> slices(ModelTask task, List<Example> rows, double[] scores, double[] labels,
            double threshold, List<String> attributes) {
        List<SliceResult> out = new ArrayList<>();
        for (String attribute : attributes) {
            for (Map.Entry<String, List<Integer>> e : FairnessMetrics.rowsBySlice(rows, attribute).entrySet()) {
                double[] s = e.getValue().stream().mapToDouble(r -> scores[r]).toArray();
                double[] l = e.getValue().stream().mapToDouble(r -> labels[r]).toArray();
                out.add(new SliceResult(attribute, e.getKey(), s.length, Metrics.all(task, s, l, threshold)));
            }
        }
        return out;
    }

    /** The candidate's metrics when each input value is removed with the configured probability and imputed. */
    private Map<String, Double> robustness(ModelTask task, Scorer candidate, List<InputFeature> inputs,
            List<Example> rows, double[] labels) {
        if (settings.robustnessMissingShare() == 0) {
            return Map.of();
        }
        Random random = new Random(settings.seed());
        List<Example> damaged = new ArrayList<>(rows.size());
        for (Example row : rows) {
            double[] features = row.features().clone();
            for (int i = 0; i < features.length; i++) {
                if (random.nextDouble() < settings.robustnessMissingShare()) {
                    features[i] = Double.NaN;
                }
            }
            damaged.add(new Example(row.eventId(), row.eventTime(), features, row.slices(), row.label()));
        }
        double threshold = candidate.decisionThreshold().orElse(0.5);
        return new LinkedHashMap<>(Metrics.all(task, score(candidate, inputs, damaged), labels, threshold));
    }

    private List<WorstExample> worst(ModelTask task, List<InputFeature> inputs, List<Example> rows, double[] scores,
            double[] labels) {
        record Ranked(int row, String eventId, double loss) {
        }
        TreeSet<Ranked> kept = new TreeSet<>(Comparator.comparingDouble(Ranked::loss)
                .thenComparing(Ranked::eventId, Comparator.reverseOrder()));
        for (int r = 0; r < scores.length; r++) {
            double loss;
            if (task == ModelTask.BINARY_CLASSIFICATION) {
                double p = Math.min(Math.max(scores[r], ClassificationMetrics.EPS), 1 - ClassificationMetrics.EPS);
                loss = labels[r] == 1.0 ? -Math.log(p) : -Math.log(1 - p);
            } else {
                loss = Math.abs(scores[r] - labels[r]);
            }
            kept.add(new Ranked(r, rows.get(r).eventId(), loss));
            if (kept.size() > settings.worstKept()) {
                kept.pollFirst();
            }
        }
        List<WorstExample> worst = new ArrayList<>();
        for (Ranked ranked : kept.descendingSet()) {
            Example row = rows.get(ranked.row());
            Map<String, Object> features = new LinkedHashMap<>();
            for (int i = 0; i < inputs.size() && i < row.features().length; i++) {
                double value = row.features()[i];
                InputFeature input = inputs.get(i);
                features.put(input.name(), Double.isNaN(value) ? null
                        : input.type() == dev.brigade.training.InputType.BOOLEAN ? (Object) (value != 0) : value);
            }
            worst.add(new WorstExample(row.eventId(), labels[ranked.row()], scores[ranked.row()], ranked.loss(),
                    row.slices(), features));
        }
        return worst;
    }
}
