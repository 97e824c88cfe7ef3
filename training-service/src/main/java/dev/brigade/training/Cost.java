package dev.brigade.training;

/**
 * One cell of a cost matrix: a constant, or the value of a model input of the row (e.g. a missed fraud costs the
 * transaction's {@code amount}).
 */
public record Cost(double constant, String feature) {

    public static Cost of(double constant) {
        return new Cost(constant, null);
    }

    public static Cost feature(String feature) {
        return new Cost(0, feature);
    }

    public boolean isFeature() {
        return feature != null;
    }
}
