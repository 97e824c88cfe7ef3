package dev.brigade.training;

/**
 * How the holdout is evaluated.
 *
 * @param calibrationBins equal-width reliability bins over [0, 1]
 * @param resamples paired bootstrap resamples for the primary metric's delta
 * @param confidence the bootstrap interval's level, e.g. 0.95
 * @param seed the bootstrap's and the robustness check's random seed
 * @param robustnessMissingShare share of input values removed (and imputed) for the robustness metrics
 * @param worstKept how many of the worst rows are kept for review
 */
public record EvaluationSettings(int calibrationBins, int resamples, double confidence, long seed,
        double robustnessMissingShare, int worstKept) {

    public EvaluationSettings {
        if (calibrationBins < 1 || resamples < 1 || !(confidence > 0 && confidence < 1)
                || !(robustnessMissingShare >= 0 && robustnessMissingShare < 1) || worstKept < 0) {
            throw new IllegalArgumentException("invalid evaluation settings: " + calibrationBins + " bins, "
                    + resamples + " resamples, confidence " + confidence + ", missing share "
                    + robustnessMissingShare + ", worst " + worstKept);
        }
    }

    public static EvaluationSettings defaults() {
        return new EvaluationSettings(10, 1000, 0.95, 42L, 0.1, 20);
    }
}
