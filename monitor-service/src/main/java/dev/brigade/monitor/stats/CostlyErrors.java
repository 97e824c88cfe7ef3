package dev.brigade.monitor.stats;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.brigade.monitor.CostlyError;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.UseCaseSettings;

/**
 * The costliest realised errors of a window: a bounded top-N by cost under the spec's cost matrix (loss, then event
 * id, break ties), so a window of a million labels keeps N rows. Correct predictions are never kept.
 */
public final class CostlyErrors {

    /** Costliest first; equal costs by the larger loss, then by event id, so the order never depends on arrival. */
    public static final Comparator<CostlyError> COSTLIEST_FIRST = Comparator.comparingDouble(CostlyError::cost)
            .reversed().thenComparing(Comparator.comparingDouble(CostlyError::loss).reversed())
            .thenComparing(e -> e.eventId() == null ? "" : e.eventId())
            .thenComparing(CostlyError::predictionId);

    private static final double EPS = 1e-15;

    private CostlyErrors() {
    }

    /** The error a labelled prediction made, with its cost and loss; null when the prediction was right. */
    public static CostlyError of(Observation.Labelled l, UseCaseSettings uc) {
        UseCaseSettings.CostMatrix matrix = uc.costMatrix();
        String outcome;
        double cost;
        double loss;
        if (uc.classification()) {
            boolean actual = l.label() >= 0.5;
            boolean predicted = l.score() >= uc.threshold();
            if (actual == predicted) {
                return null;
            }
            outcome = predicted ? "false-positive" : "false-negative";
            cost = (predicted ? matrix.falsePositive() : matrix.falseNegative()).cost(l.costValues());
            double p = Math.min(Math.max(l.score(), EPS), 1 - EPS);
            loss = actual ? -Math.log(p) : -Math.log(1 - p);
        } else {
            double err = l.score() - l.label();
            if (err == 0) {
                return null;
            }
            outcome = err > 0 ? "over" : "under";
            cost = err < 0 ? -err * matrix.underPrediction() : err * matrix.overPrediction();
            loss = Math.abs(err);
        }
        return new CostlyError(l.eventId(), l.id(), l.version(), l.variant(), l.servedAt(), l.time(), l.score(),
                l.label(), outcome, cost, loss, l.slices(), l.features());
    }

    /**
     * The kept list with {@code error} offered: null when it changes nothing (not costly enough, or that prediction
     * is already kept), else the new list, costliest first, at most {@code n} long.
     */
    public static List<CostlyError> offer(List<CostlyError> kept, CostlyError error, int n) {
        if (error == null || n <= 0) {
            return null;
        }
        if (kept.stream().anyMatch(k -> k.predictionId().equals(error.predictionId()))
                || kept.size() >= n && COSTLIEST_FIRST.compare(error, kept.get(kept.size() - 1)) >= 0) {
            return null;
        }
        return Stream.concat(kept.stream(), Stream.of(error)).sorted(COSTLIEST_FIRST).limit(n).toList();
    }

    /** Several lists (e.g. every version of one window) merged into one top-N. */
    public static List<CostlyError> merge(List<List<CostlyError>> lists, int n) {
        return lists.stream().flatMap(List::stream).sorted(COSTLIEST_FIRST).limit(n).toList();
    }
}
