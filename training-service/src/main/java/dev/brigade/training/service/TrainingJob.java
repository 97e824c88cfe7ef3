package dev.brigade.training.service;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.events.TrainingRunEvent;
import dev.brigade.model.ModelArtifact;
import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;
import dev.brigade.training.Champion;
import dev.brigade.training.Dataset;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.DatasetSplit;
import dev.brigade.training.DeltaInterval;
import dev.brigade.training.EpochProgress;
import dev.brigade.training.Evaluation;
import dev.brigade.training.Example;
import dev.brigade.training.FeatureProfile;
import dev.brigade.training.Hyperparameters;
import dev.brigade.training.InputFeature;
import dev.brigade.training.LatencySample;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.SplitSummary;
import dev.brigade.training.TrainingRequest;
import dev.brigade.training.UseCaseSettings;
import dev.brigade.training.client.FeatureSetCatalog;
import dev.brigade.training.client.RegistryClient;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.mapping.ArtifactMapper;
import dev.brigade.training.mapping.RegistrationMapper;
import dev.brigade.training.mapping.RunEventMapper;
import dev.brigade.training.mapping.SpecMapper;

/**
 * One run from request to record: the spec and the policy, the dataset, the network, the evaluation against the
 * champion, the registration. Every way out ends the run in SUCCEEDED, FAILED (with the reason) or SKIPPED (with the
 * policy's reason), with its event on training-runs; nothing escapes as an exception.
 */
@ApplicationScoped
public class TrainingJob {

    private static final Logger LOG = Logger.getLogger(TrainingJob.class);
    private static final int LATENCY_ROWS = 2000;

    private final TrainingConfig config;
    private final RegistryClient registry;
    private final FeatureSetCatalog catalog;
    private final DatasetReader reader;
    private final NetworkTrainer trainer;
    private final Evaluator evaluator;
    private final RunStore store;
    private final TrainingRunPublisher publisher;
    private final ObjectMapper json;
    private final TrainingMetrics metrics;
    private final RunStateSink states;
    // Milliseconds: what training-run-state keeps, so the owner and a replica answer the same times
    private final Clock clock = Clock.tickMillis(java.time.ZoneOffset.UTC);

    TrainingJob(TrainingConfig config, RegistryClient registry, FeatureSetCatalog catalog, DatasetReader reader,
            NetworkTrainer trainer, Evaluator evaluator, RunStore store, TrainingRunPublisher publisher,
            ObjectMapper json, TrainingMetrics metrics) {
        this(config, registry, catalog, reader, trainer, evaluator, store, publisher, json, metrics,
                state -> java.util.concurrent.CompletableFuture.completedFuture(null));
    }

    @jakarta.inject.Inject
    TrainingJob(TrainingConfig config, RegistryClient registry, FeatureSetCatalog catalog, DatasetReader reader,
            NetworkTrainer trainer, Evaluator evaluator, RunStore store, TrainingRunPublisher publisher,
            ObjectMapper json, TrainingMetrics metrics, RunStateWriter states) {
        this(config, registry, catalog, reader, trainer, evaluator, store, publisher, json, metrics,
                (RunStateSink) states);
    }

    TrainingJob(TrainingConfig config, RegistryClient registry, FeatureSetCatalog catalog, DatasetReader reader,
            NetworkTrainer trainer, Evaluator evaluator, RunStore store, TrainingRunPublisher publisher,
            ObjectMapper json, TrainingMetrics metrics, RunStateSink states) {
        this.states = states;
        this.config = config;
        this.registry = registry;
        this.catalog = catalog;
        this.reader = reader;
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.store = store;
        this.publisher = publisher;
        this.json = json;
        this.metrics = metrics;
    }

    /** Keeps the timed scores observable, so the JIT cannot drop the work being timed. */
    static volatile double blackhole;

    /** Runs the job on the calling thread. */
    void execute(Run run, TrainingRequest request) {
        MDC.put("eventId", run.runId);
        long wallStart = System.nanoTime();
        long cpuStart = processCpuNanos();
        try {
            attempt(run, request);
            if (run.status() == RunStatus.SUCCEEDED) {
                finishTimes(run, wallStart, cpuStart);
                RunRecord done = run.store(store, states);
                publish(RunEventMapper.succeeded(done, run.evaluation.overall(), run.finishedAt));
            }
        } catch (RunAbandonedException e) {
            // Another instance ended it while this one looked silent: its end stands, nothing more is published
            LOG.warnf("Run %s of %s stopped: %s", run.runId, run.useCase, e.getMessage());
        } catch (TrainingFailedException e) {
            finish(run, RunStatus.FAILED, e.getMessage(), wallStart, cpuStart);
        } catch (RuntimeException | Error e) {
            // A bug or a native failure in one run must not take the station down: record it and go on.
            LOG.errorf(e, "Run %s failed unexpectedly", run.runId);
            finish(run, RunStatus.FAILED, "unexpected error: " + e, wallStart, cpuStart);
        } finally {
            metrics.ended(run.useCase, run.status(), java.time.Duration.ofNanos(System.nanoTime() - wallStart));
            MDC.remove("eventId");
        }
    }

    private void attempt(Run run, TrainingRequest request) {
        run.codeVersion = config.codeVersion();
        UseCaseSettings settings;
        try {
            settings = SpecMapper.toSettings(registry.spec(run.useCase));
        } catch (IllegalArgumentException e) {
            throw new TrainingFailedException("the spec of " + run.useCase + " is not usable: " + e.getMessage());
        }
        run.specVersion = settings.specVersion();
        run.featureSet = settings.featureSet();
        run.featureSetVersion = settings.featureSetVersion();
        Hyperparameters params;
        try {
            params = settings.hyperparameters(request.hyperparameterOverrides());
        } catch (IllegalArgumentException e) {
            throw new TrainingFailedException("invalid hyperparameters: " + e.getMessage());
        }
        run.hyperparameters = params.asStrings();
        run.seed = params.seed();
        List<RunRecord> history = store.list(run.useCase).stream().filter(r -> !r.runId().equals(run.runId))
                .toList();
        Instant now = clock.instant();
        Optional<String> skip = TrainingPolicy.beforeData(request, settings.retraining(), history, now);
        if (skip.isPresent()) {
            skip(run, skip.get());
            return;
        }
        FeatureSetCatalog.Definition featureSet = catalog.definition(settings.featureSet(),
                settings.featureSetVersion());
        List<InputFeature> inputs = featureSet.inputs();
        ContractCheck contract = new ContractCheck(featureSet.contract(), settings.task());
        Dataset dataset = reader.read(run.useCase, settings.featureSet(), settings.featureSetVersion(), inputs, now,
                previousEnds(history, settings), contract::observe);
        run.ranges = dataset.ranges();
        run.cutoff = dataset.cutoff();
        run.newExamples = dataset.newExamples();
        skip = TrainingPolicy.afterData(settings.retraining(), dataset.newExamples());
        if (skip.isPresent()) {
            skip(run, skip.get());
            return;
        }
        run.startedAt = clock.instant();
        run.status(RunStatus.RUNNING, null);
        metrics.started(run.useCase, params.maxEpochs(), dataset.newExamples());
        publish(RunEventMapper.started(run.store(store, states), run.startedAt));

        // The data contract before anything is fitted: a dataset that breaks it would train a model on data
        // the feature set's owners say is wrong.
        List<String> broken = contract.broken(dataset.cutoff());
        if (!broken.isEmpty()) {
            throw new TrainingFailedException("the dataset breaks the data contract of " + settings.featureSet()
                    + " v" + settings.featureSetVersion() + ": " + String.join("; ", broken));
        }

        DatasetSplit split = DatasetSplitter.split(dataset, settings.task(), config.dataset().holdoutFraction(),
                params.validationFraction(), config.dataset().minExamples());
        run.training = SplitSummary.of(split.training(), settings.task());
        run.validation = SplitSummary.of(split.validation(), settings.task());
        run.holdout = SplitSummary.of(split.holdout(), settings.task());
        metrics.dataset(run.useCase, split.training().size(), split.validation().size(), split.holdout().size());
        run.store(store, states);

        double threshold = settings.decisionThreshold() == null ? 0.5 : settings.decisionThreshold();
        Model candidate = fit(settings, inputs, split, params, threshold, epoch -> {
            run.epoch(epoch);
            metrics.epoch(run.useCase, epoch);
            publish(RunEventMapper.progress(run.store(store, states), epoch, clock.instant()));
        });
        Optional<Champion> champion = registry.champion(run.useCase);
        Evaluation evaluation = evaluate(settings, inputs, split, candidate, champion);
        run.evaluation = evaluation;
        run.store(store, states);

        String holdoutDescription = "newest " + Math.round(config.dataset().holdoutFraction() * 100)
                + "% by event time, from " + split.holdoutFrom();
        Map<String, FeatureProfile> profile = ReferenceProfiles.of(inputs, split.training());
        Integer championVersion = champion.map(Champion::version).orElse(null);

        // The baseline: the same preparation and split, no hidden layer (logistic or linear regression). It is
        // registered beside the candidate, which must beat it at the gate; serving keeps it as the last resort.
        String baselineModel = settings.task() == ModelTask.BINARY_CLASSIFICATION ? "logistic regression"
                : "linear regression";
        Hyperparameters baselineParams = params.withOverrides(Map.of(Hyperparameters.HIDDEN_LAYERS, ""));
        Model baseline = fit(settings, inputs, split, baselineParams, threshold, epoch -> run.checkNotAbandoned());
        run.checkNotAbandoned();
        int baselineVersion = registry.register(run.useCase, baseline.bytes(), RegistrationMapper.metadata(json,
                new RegistrationMapper.Registration(settings, inputs, baseline.artifact(), run.runId, run.codeVersion,
                        dataset, baselineParams.asStrings(), params.seed(),
                        evaluate(settings, inputs, split, baseline, champion), championVersion, holdoutDescription,
                        profile, split.training().size(), baseline.latency(split.holdout()),
                        "baseline (" + baselineModel + ") of training run " + run.runId, "baseline", null)));
        DeltaInterval vsBaseline = evaluator.compare(settings.task(), inputs, split.holdout(), candidate.scorer(),
                baseline.scorer(), settings.primaryMetric());
        LOG.infof("Run %s: candidate %s %.4f vs baseline v%d (%s) %.4f", run.runId, vsBaseline.metric(),
                vsBaseline.candidate(), baselineVersion, baselineModel, vsBaseline.champion());

        RegistrationMapper.Registration registration = new RegistrationMapper.Registration(settings, inputs,
                candidate.artifact(), run.runId, run.codeVersion, dataset, run.hyperparameters, params.seed(),
                evaluation, championVersion, holdoutDescription, profile, split.training().size(),
                candidate.latency(split.holdout()), "training run " + run.runId + " (" + run.reason + ")",
                "candidate", new RegistrationMapper.BaselineResult(baselineVersion, baselineModel, vsBaseline));
        run.artifactSha256 = RegistryClient.sha256(candidate.bytes());
        run.checkNotAbandoned();
        run.modelVersion = registry.register(run.useCase, candidate.bytes(),
                RegistrationMapper.metadata(json, registration));
        run.status(RunStatus.SUCCEEDED, null);
        LOG.infof("Run %s of %s registered version %d", run.runId, run.useCase, run.modelVersion);
    }

    /** A fitted network exported to the model/ artifact, and the platform scorer over the artifact's bytes. */
    private record Model(TrainedNetwork network, ModelArtifact artifact, byte[] bytes, Scorer scorer) {

        LatencySample latency(List<Example> rows) {
            return TrainingJob.latency(scorer, rows, network.parameterCount());
        }
    }

    /** Fits on the split's training rows (early stopping on its validation rows) and exports the network. */
    private Model fit(UseCaseSettings settings, List<InputFeature> inputs, DatasetSplit split, Hyperparameters params,
            double threshold, Consumer<EpochProgress> progress) {
        TrainedNetwork network = trainer.train(settings.task(), inputs, rows(split.training()),
                labels(split.training()), rows(split.validation()), labels(split.validation()), params, progress);
        ModelArtifact artifact = ArtifactMapper.toArtifact(network, threshold);
        byte[] bytes = ModelArtifactCodec.encode(artifact);
        return new Model(network, artifact, bytes, Scorer.load(bytes));
    }

    private Evaluation evaluate(UseCaseSettings settings, List<InputFeature> inputs, DatasetSplit split, Model model,
            Optional<Champion> champion) {
        return evaluator.evaluate(settings.task(), inputs, split.holdout(), model.scorer(), champion,
                settings.primaryMetric(), settings.sliceAttributes(), settings.costMatrix(), settings.fairness());
    }

    /** Where the last successful run's ranges ended, per partition: examples from there on are new. */
    static Map<Integer, Long> previousEnds(List<RunRecord> history, UseCaseSettings settings) {
        Map<Integer, Long> ends = new HashMap<>();
        history.stream()
                .filter(r -> r.status() == RunStatus.SUCCEEDED && settings.featureSet().equals(r.featureSet())
                        && Integer.valueOf(settings.featureSetVersion()).equals(r.featureSetVersion()))
                .max((a, b) -> a.startedAt().compareTo(b.startedAt()))
                .ifPresent(last -> {
                    for (DatasetRange range : last.datasetRanges()) {
                        ends.put(range.partition(), range.toOffset());
                    }
                });
        return ends;
    }

    private void skip(Run run, String why) {
        run.status(RunStatus.SKIPPED, why);
        run.finishedAt = clock.instant();
        RunRecord done = run.store(store, states);
        for (String requestId : done.requestIds()) {
            publish(RunEventMapper.skipped(done, requestId, run.finishedAt));
        }
        LOG.infof("Run %s of %s skipped: %s", run.runId, run.useCase, why);
    }

    private void finish(Run run, RunStatus status, String reason, long wallStart, long cpuStart) {
        if (run.abandoned()) {
            // Another instance ended it first (it looked silent): that end stands, no second RunFailed
            LOG.warnf("Run %s of %s stopped (already ended by another instance): %s", run.runId, run.useCase,
                    reason);
            return;
        }
        run.status(status, reason);
        finishTimes(run, wallStart, cpuStart);
        RunRecord done;
        try {
            done = run.store(store, states);
        } catch (RunAbandonedException e) {
            LOG.warnf("Run %s of %s stopped (already ended by another instance): %s", run.runId, run.useCase,
                    reason);
            return;
        }
        publish(RunEventMapper.failed(done, run.finishedAt));
        LOG.warnf("Run %s of %s failed: %s", run.runId, run.useCase, reason);
    }

    private void finishTimes(Run run, long wallStart, long cpuStart) {
        run.finishedAt = clock.instant();
        run.wallTimeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wallStart);
        run.cpuMillis = TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - cpuStart);
    }

    /** Events are the durable record, but a broker hiccup must not fail a run that trained well: log and go on. */
    private void publish(TrainingRunEvent event) {
        try {
            publisher.publish(event).toCompletableFuture()
                    .get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("Could not publish %s of run %s: %s", event.getPayload().getClass().getSimpleName(),
                    event.getRunId(), e.toString());
        }
    }

    private static double[][] rows(List<Example> examples) {
        return examples.stream().map(Example::features).toArray(double[][]::new);
    }

    private static double[] labels(List<Example> examples) {
        return examples.stream().mapToDouble(Example::label).toArray();
    }

    /** Single-row timing with the platform scorer on up to 2,000 holdout rows, after as many for warm-up. */
    static LatencySample latency(Scorer scorer, List<Example> rows, long parameters) {
        int n = Math.min(LATENCY_ROWS, rows.size());
        Scorer.Session session = scorer.newSession();
        double sink = 0;
        for (int i = 0; i < n; i++) {
            sink += session.score(rows.get(i).features());
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            sink += session.score(rows.get(i).features());
            nanos[i] = System.nanoTime() - t0;
        }
        blackhole = sink;
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElse(0) / 1000.0;
        double p99 = n == 0 ? 0 : nanos[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1000.0;
        return new LatencySample(mean, p99, parameters);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
