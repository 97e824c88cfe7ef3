package dev.brigade.training.service;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.training.EpochProgress;
import dev.brigade.training.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The kitchen's meters, per use case (Prometheus names):
 * <ul>
 * <li>{@code brigade_training_runs_total{use_case,outcome}}: runs ended, outcome succeeded, failed or skipped;</li>
 * <li>{@code brigade_training_run_duration_seconds{use_case,outcome}}: wall time from the worker taking the run to
 * its end (count, sum, max, and buckets at 10 s, 30 s, 1, 2, 5, 10, 30 minutes and 1 hour for quantiles);</li>
 * <li>{@code brigade_training_running{use_case}}: 1 while a run of the use case fits its network, else 0;</li>
 * <li>{@code brigade_training_epoch{use_case}} and {@code brigade_training_epochs_max{use_case}}: the candidate's
 * latest finished epoch and the run's epoch limit (kept after the run ends: the last run's);</li>
 * <li>{@code brigade_training_loss{use_case,split}}: that epoch's training and validation loss;</li>
 * <li>{@code brigade_training_dataset_rows{use_case,split}}: rows of the latest run's training, validation and
 * holdout splits, and {@code brigade_training_dataset_new_examples{use_case}}: examples new since the last
 * successful run.</li>
 * </ul>
 * Gauges appear for a use case once its first run reaches the point that sets them.
 */
@ApplicationScoped
public class TrainingMetrics {

    private static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(30), Duration.ofHours(1)};

    private final MeterRegistry meters;

    /** The values behind one use case's gauges; the gauges hold it strongly. */
    static final class UseCaseState {
        volatile double running;
        volatile double epoch = Double.NaN;
        volatile double maxEpochs = Double.NaN;
        volatile double trainLoss = Double.NaN;
        volatile double validationLoss = Double.NaN;
        volatile double trainingRows = Double.NaN;
        volatile double validationRows = Double.NaN;
        volatile double holdoutRows = Double.NaN;
        volatile double newExamples = Double.NaN;
    }

    private final Map<String, UseCaseState> states = new ConcurrentHashMap<>();

    TrainingMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A run ended (any outcome): counted and timed. */
    public void ended(String useCase, RunStatus outcome, Duration took) {
        String o = outcome.name().toLowerCase(Locale.ROOT);
        Counter.builder("brigade.training.runs").description("Training runs ended, by use case and outcome")
                .tag("use_case", useCase).tag("outcome", o).register(meters).increment();
        Timer.builder("brigade.training.run.duration")
                .description("Wall time of training runs, from the worker taking the run to its end")
                .tag("use_case", useCase).tag("outcome", o).serviceLevelObjectives(DURATION_BUCKETS)
                .register(meters).record(took);
        UseCaseState state = states.get(useCase);
        if (state != null) {
            state.running = 0;
        }
    }

    /** The run passed its policy checks and has its dataset: fitting starts. */
    public void started(String useCase, int maxEpochs, Long newExamples) {
        UseCaseState state = state(useCase);
        state.running = 1;
        state.epoch = 0;
        state.maxEpochs = maxEpochs;
        state.trainLoss = Double.NaN;
        state.validationLoss = Double.NaN;
        state.newExamples = newExamples == null ? Double.NaN : newExamples;
    }

    /** The split the run fits, validates and evaluates on. */
    public void dataset(String useCase, int training, int validation, int holdout) {
        UseCaseState state = state(useCase);
        state.trainingRows = training;
        state.validationRows = validation;
        state.holdoutRows = holdout;
    }

    /** The candidate finished an epoch. */
    public void epoch(String useCase, EpochProgress epoch) {
        UseCaseState state = state(useCase);
        state.epoch = epoch.epoch();
        state.maxEpochs = epoch.maxEpochs();
        state.trainLoss = epoch.trainLoss();
        state.validationLoss = epoch.validationLoss();
    }

    private UseCaseState state(String useCase) {
        return states.computeIfAbsent(useCase, this::register);
    }

    // Literal meter names in each builder call: e2e's DashboardMetricsTest finds the dashboard's names in the sources.
    private UseCaseState register(String useCase) {
        UseCaseState s = new UseCaseState();
        register(Gauge.builder("brigade.training.running", s, x -> x.running)
                .description("1 while a run of the use case fits its network"), useCase, null);
        register(Gauge.builder("brigade.training.epoch", s, x -> x.epoch)
                .description("The candidate's latest finished epoch (the last run's after it ended)"), useCase, null);
        register(Gauge.builder("brigade.training.epochs.max", s, x -> x.maxEpochs)
                .description("The epoch limit of the latest run"), useCase, null);
        register(Gauge.builder("brigade.training.loss", s, x -> x.trainLoss)
                .description("The candidate's loss at its latest finished epoch"), useCase, "training");
        register(Gauge.builder("brigade.training.loss", s, x -> x.validationLoss)
                .description("The candidate's loss at its latest finished epoch"), useCase, "validation");
        register(Gauge.builder("brigade.training.dataset.rows", s, x -> x.trainingRows)
                .description("Rows of the latest run's dataset splits"), useCase, "training");
        register(Gauge.builder("brigade.training.dataset.rows", s, x -> x.validationRows)
                .description("Rows of the latest run's dataset splits"), useCase, "validation");
        register(Gauge.builder("brigade.training.dataset.rows", s, x -> x.holdoutRows)
                .description("Rows of the latest run's dataset splits"), useCase, "holdout");
        register(Gauge.builder("brigade.training.dataset.new.examples", s, x -> x.newExamples)
                .description("Examples of the latest run new since the last successful run"), useCase, null);
        return s;
    }

    private void register(Gauge.Builder<UseCaseState> builder, String useCase, String split) {
        builder.tag("use_case", useCase).strongReference(true);
        if (split != null) {
            builder.tag("split", split);
        }
        builder.register(meters);
    }
}
