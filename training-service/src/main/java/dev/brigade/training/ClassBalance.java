package dev.brigade.training;

import java.util.List;

/** Positive and negative labels of a split (binary classification: labels are 0 or 1). */
public record ClassBalance(long positives, long negatives) {

    public static ClassBalance of(List<Example> rows) {
        long positives = rows.stream().filter(e -> e.label() == 1.0).count();
        return new ClassBalance(positives, rows.size() - positives);
    }

    public double positiveRate() {
        long n = positives + negatives;
        return n == 0 ? Double.NaN : (double) positives / n;
    }
}
