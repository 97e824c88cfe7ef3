package dev.brigade.serving.service;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.brigade.platform.http.FieldError;
import dev.brigade.serving.ContractInput;
import dev.brigade.serving.Deployment;
import dev.brigade.serving.InputType;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.Prediction;
import dev.brigade.serving.Refusal;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.ScoreRequest;
import dev.brigade.serving.Variant;
import dev.brigade.serving.client.FeatureClient;
import dev.brigade.serving.client.FeatureLookup;
import dev.brigade.serving.config.ServingConfig;
import dev.brigade.serving.service.Router.Routed;

/**
 * One scored request, from the use case's name to the answer: its deployment (refused when the use case is unknown,
 * served in batch or has nothing loaded), the route by a stable hash of the entity ({@link Router}), the attributes
 * checked against the routed model's contract, online features within their share of the latency budget, the row in
 * contract order (feature-service value, else the request's attribute of that name, else the training imputation),
 * the score and the answer. The prediction log and the shadow are handed off without waiting; neither can change or
 * delay the answer. Refusals are {@link Refusal}s: rest/ decides what they are in HTTP.
 */
@ApplicationScoped
public class ScoringService {

    private static final Logger LOG = Logger.getLogger(ScoringService.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    private final ModelStore models;
    private final FeatureClient features;
    private final PredictionLog log;
    private final ServingMetrics metrics;
    private final ServingConfig config;
    private final ThreadPoolExecutor shadows;

    ScoringService(ModelStore models, FeatureClient features, PredictionLog log, ServingMetrics metrics,
            ServingConfig config) {
        this.models = models;
        this.features = features;
        this.log = log;
        this.metrics = metrics;
        this.config = config;
        int threads = Math.max(1, config.shadow().threads());
        this.shadows = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.shadow().queueSize())), r -> {
                    Thread t = new Thread(r, "shadow-scorer");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    @PreDestroy
    void stop() {
        shadows.shutdownNow();
    }

    /**
     * POST /v1/score/{useCase}: scores one well-formed request of a use case served online. Completes with the
     * answer; never exceptionally for feature-service trouble.
     *
     * @param startNanos when the request arrived (the budget counts from there)
     * @throws Refusal unknown use case, one served in batch, nothing loaded, attributes of the wrong type
     */
    public CompletionStage<ScoreAnswer> score(String useCase, ScoreRequest request, long startNanos) {
        Deployment d = online(useCase);
        Routed routed = Router.route(d, request.entityId());
        List<FieldError> errors = typeErrors(routed.model(), request.attributes(), -1, null);
        if (errors != null) {
            throw refuse(useCase, Refusal.Reason.INVALID_REQUEST, "invalid scoring request", errors);
        }
        return score(d, routed, request, startNanos);
    }

    /**
     * POST /v1/score/{useCase}/batch: every request is checked before any is scored (an item's errors are named
     * [i].attributes...); the look-ups run concurrently, each within the budget; the answers come in order.
     */
    public CompletionStage<List<ScoreAnswer>> scoreAll(String useCase, List<ScoreRequest> requests,
            long startNanos) {
        Deployment d = online(useCase);
        Routed[] routes = new Routed[requests.size()];
        List<FieldError> errors = null;
        for (int i = 0; i < routes.length; i++) {
            ScoreRequest request = requests.get(i);
            routes[i] = Router.route(d, request.entityId());
            errors = typeErrors(routes[i].model(), request.attributes(), i, errors);
        }
        if (errors != null) {
            throw refuse(useCase, Refusal.Reason.INVALID_REQUEST, "invalid items in the batch", errors);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<ScoreAnswer>[] answers = new CompletableFuture[routes.length];
        for (int i = 0; i < routes.length; i++) {
            answers[i] = score(d, routes[i], requests.get(i), startNanos).toCompletableFuture();
        }
        return CompletableFuture.allOf(answers)
                .thenApply(done -> Arrays.stream(answers).map(CompletableFuture::join).toList());
    }

    /**
     * Scores a ScoringRequested of a use case served in batch, off the request path: the same routing, contract,
     * imputation, model, fallback, prediction log and shadow as online; no caller waits, so the look-up gets
     * {@code lookupTimeoutMillis} instead of a share of the latency budget.
     *
     * @throws Refusal attributes of the wrong type for the routed model
     */
    public CompletionStage<ScoreAnswer> scoreRequested(Deployment d, ScoreRequest request,
            long lookupTimeoutMillis) {
        Routed routed = Router.route(d, request.entityId());
        List<FieldError> errors = typeErrors(routed.model(), request.attributes(), -1, null);
        if (errors != null) {
            throw new Refusal(Refusal.Reason.INVALID_REQUEST, "invalid scoring request", errors);
        }
        return score(d, routed, request, System.nanoTime(), lookupTimeoutMillis, lookupTimeoutMillis * 1_000_000);
    }

    /** The deployment of a known use case served online that has a model to serve. */
    private Deployment online(String useCase) {
        Deployment deployment = models.deployment(useCase);
        if (deployment == null) {
            throw refuse(useCase, Refusal.Reason.UNKNOWN_USE_CASE, "no use case named " + useCase
                    + " is registered", List.of(new FieldError("useCase", "unknown use case " + useCase)));
        }
        if (deployment.state().spec() != null && deployment.state().spec().batch()) {
            // Its owners chose batch: promising a millisecond answer here would be a second, unplanned system.
            throw refuse(useCase, Refusal.Reason.BATCH_MODE, useCase + " is served in batch (serving.mode: batch): "
                    + "publish ScoringRequested to scoring-requests and read ScoreProduced from scores",
                    List.of(new FieldError("serving.mode", "is batch for " + useCase)));
        }
        if (!deployment.canServe()) {
            String why = deployment.notes().isEmpty() ? "no champion and no baseline model is loaded"
                    : String.join("; ", deployment.notes());
            throw refuse(useCase, Refusal.Reason.NO_MODEL, useCase + " has no model to serve: " + why, List.of());
        }
        return deployment;
    }

    /** A refusal, counted under its kind. */
    private Refusal refuse(String useCase, Refusal.Reason reason, String detail, List<FieldError> errors) {
        metrics.error(useCase, reason.kind());
        return new Refusal(reason, detail, errors);
    }

    /**
     * Adds the type errors of the request's attributes against the model's inputs to {@code errors} (made on the
     * first; null when there is none), named as the request's or, with an index, as the batch's item's.
     */
    private static List<FieldError> typeErrors(LoadedModel model, Map<String, Object> attributes, int index,
            List<FieldError> errors) {
        for (ContractInput input : model.inputs()) {
            Object value = attributes.get(input.name());
            if (value != null && !accepts(input.type(), value)) {
                if (errors == null) {
                    errors = new ArrayList<>();
                }
                errors.add(new FieldError((index < 0 ? "" : "[" + index + "].") + "attributes." + input.name(),
                        "must be " + input.type().expected() + " (input " + input.name() + " of model v"
                                + model.version() + " is " + input.type() + "), not " + describe(value)));
            }
        }
        return errors;
    }

    private CompletionStage<ScoreAnswer> score(Deployment d, Routed routed, ScoreRequest request, long startNanos) {
        double budgetMs = d.latencyBudgetMs() > 0 ? d.latencyBudgetMs()
                : config.features().defaultBudget().toMillis();
        long featureBudgetNanos = (long) (budgetMs * config.features().budgetShare() * 1_000_000);
        return score(d, routed, request, startNanos, budgetMs, featureBudgetNanos);
    }

    private CompletionStage<ScoreAnswer> score(Deployment d, Routed routed, ScoreRequest request, long startNanos,
            double budgetMs, long featureBudgetNanos) {
        long remaining = featureBudgetNanos - (System.nanoTime() - startNanos);
        LoadedModel model = routed.model();
        return features.fetch(model.info().featureSet(), model.info().featureSetVersion(), request.entityId(),
                request.attributes(), request.eventTime(), remaining / 1_000_000).thenApply(lookup -> {
                    // The scoring segment runs without blocking, on an event loop that has its CPU (one loop per
                    // CPU): its elapsed time is its CPU time but for preemption. The thread's CPU clock costs a
                    // system call per reading, two a request: 2.6 us of a 64 us request in the benchmark's profile.
                    long cpuStart = System.nanoTime();
                    metrics.featureLookup(d.useCase(), lookup.outcome().tag(), lookup.nanos());
                    if (!lookup.ok()) {
                        metrics.error(d.useCase(), "features-" + lookup.outcome().tag());
                    }
                    ScoreAnswer answer = answer(d, routed, request, lookup, startNanos, cpuStart, budgetMs,
                            featureBudgetNanos);
                    shadow(d, request, lookup, startNanos);
                    return answer;
                });
    }

    /** @param cpuStart {@link System#nanoTime()} when the scoring segment began (see {@code score}) */
    private ScoreAnswer answer(Deployment d, Routed routed, ScoreRequest request, FeatureLookup lookup,
            long startNanos, long cpuStart, double budgetMs, long featureBudgetNanos) {
        List<String> warnings = new ArrayList<>();
        boolean degraded = !lookup.ok();
        if (degraded) {
            warnings.add(lookup.outcome() == FeatureLookup.Outcome.TIMEOUT
                    ? "feature-service gave no answer within its share of the latency budget ("
                            + String.format("%.1f", featureBudgetNanos / 1e6) + " of " + budgetMs
                            + " ms): inputs it would give were imputed"
                    : "feature-service " + lookup.outcome().tag() + " (" + lookup.detail()
                            + "): inputs it would give were imputed");
        }
        Variant variant = routed.variant();
        LoadedModel model = routed.model();
        Scored scored = null;
        try {
            scored = scoreWith(model, request, lookup);
            if (!Double.isFinite(scored.score())) {
                throw new IllegalStateException("score is " + scored.score());
            }
        } catch (RuntimeException e) {
            metrics.error(d.useCase(), "model-failure");
            LOG.errorf(e, "%s v%d failed to score event %s", d.useCase(), model.version(), request.eventId());
            if (d.baseline() == null || d.baseline() == model) {
                throw new Refusal(Refusal.Reason.MODEL_FAILURE, d.useCase() + " v" + model.version()
                        + " failed to score and no baseline is loaded: " + e.getMessage(), List.of());
            }
            warnings.add(variant.name().toLowerCase() + " v" + model.version() + " failed to score ("
                    + e.getMessage() + "): the baseline answered");
            model = d.baseline();
            variant = Variant.BASELINE;
            scored = scoreWith(model, request, lookup);
        }
        if (variant == Variant.BASELINE && routed.variant() == Variant.BASELINE) {
            warnings.add("no champion is serving" + (d.notes().isEmpty() ? "" : " (" + String.join("; ", d.notes())
                    + ")") + ": the baseline v" + model.version() + " answered");
        }
        if (!scored.imputed().isEmpty()) {
            warnings.add("imputed from training statistics: " + String.join(", ", scored.imputed()));
            metrics.imputed(d.useCase(), scored.imputed().size());
        }
        String decision = decision(model, scored.score());
        long now = System.nanoTime();
        long cpuNanos = now - cpuStart;
        long totalNanos = now - startNanos;
        if (totalNanos > budgetMs * 1_000_000) {
            warnings.add(String.format("over the latency budget: %.2f ms of %.1f ms", totalNanos / 1e6, budgetMs));
        }
        String predictionId = predictionId();
        ScoreAnswer answer = new ScoreAnswer(predictionId, request.eventId(), request.entityId(), d.useCase(),
                scored.score(), decision, new ScoreAnswer.ModelRef(model.version(), variant), scored.features(),
                degraded, List.copyOf(warnings),
                new ScoreAnswer.Latency(totalNanos / 1000, lookup.nanos() / 1000, Math.max(0, cpuNanos) / 1000,
                        budgetMs));
        metrics.scored(d.useCase(), model.version(), variant, totalNanos, cpuNanos);
        log.log(event(predictionId, request, d.useCase(), model.version(), variant, scored, decision, totalNanos,
                cpuNanos, warnings));
        return answer;
    }

    /**
     * Scores a feature vector the feature-service already computed with one given model (a batch job): the same
     * contract order, imputation and scorer as online, so the same version gives the same score for the same inputs.
     * Nothing is logged to predictions and no metric counts it as served traffic: a back-scoring is not production.
     *
     * @throws IllegalStateException when the model throws or scores a non-finite number
     */
    public static ScoreAnswer scoreComputed(String useCase, LoadedModel model, Variant variant, ScoreRequest request,
            FeatureLookup lookup) {
        Scored scored = scoreWith(model, request, lookup);
        if (!Double.isFinite(scored.score())) {
            throw new IllegalStateException("v" + model.version() + " scored " + scored.score());
        }
        List<String> warnings = scored.imputed().isEmpty() ? List.of()
                : List.of("imputed from training statistics: " + String.join(", ", scored.imputed()));
        return new ScoreAnswer(predictionId(), request.eventId(), request.entityId(), useCase, scored.score(),
                decision(model, scored.score()), new ScoreAnswer.ModelRef(model.version(), variant), scored.features(),
                false, warnings, new ScoreAnswer.Latency(0, 0, 0, 0));
    }

    /** Scores the shadow on its own thread, from the same inputs; dropped (counted) when the queue is full. */
    private void shadow(Deployment d, ScoreRequest request, FeatureLookup lookup, long startNanos) {
        LoadedModel shadow = d.shadow();
        if (shadow == null) {
            return;
        }
        try {
            shadows.execute(() -> {
                long cpuStart = cpuNow();
                try {
                    FeatureLookup used = lookup;
                    LoadedModel primary = d.champion() != null ? d.champion() : d.baseline();
                    if (primary != null && (!primary.info().featureSet().equals(shadow.info().featureSet())
                            || primary.info().featureSetVersion() != shadow.info().featureSetVersion())) {
                        used = features.fetch(shadow.info().featureSet(), shadow.info().featureSetVersion(),
                                request.entityId(), request.attributes(), request.eventTime(), 1000)
                                .toCompletableFuture().get(2, TimeUnit.SECONDS);
                    }
                    Scored scored = scoreWith(shadow, request, used);
                    List<String> warnings = new ArrayList<>();
                    if (!used.ok()) {
                        warnings.add("feature-service " + used.outcome().tag() + ": inputs imputed");
                    }
                    if (!scored.imputed().isEmpty()) {
                        warnings.add("imputed from training statistics: " + String.join(", ", scored.imputed()));
                    }
                    long cpuNanos = cpuStart < 0 ? -1 : cpuNow() - cpuStart;
                    long totalNanos = System.nanoTime() - startNanos;
                    String decision = decision(shadow, scored.score());
                    metrics.scored(d.useCase(), shadow.version(), Variant.SHADOW, totalNanos, cpuNanos);
                    log.log(event(predictionId(), request, d.useCase(), shadow.version(),
                            Variant.SHADOW, scored, decision, totalNanos, cpuNanos, warnings));
                } catch (Exception e) {
                    metrics.error(d.useCase(), "shadow-failure");
                    LOG.warnf("Shadow v%d of %s failed on event %s: %s", shadow.version(), d.useCase(),
                            request.eventId(), e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            metrics.shadowDropped();
        }
    }

    /** The result of one model on one request: score, the inputs as served, the names imputed. */
    record Scored(double score, Map<String, ScoreAnswer.ServedFeature> features, List<String> imputed) {
    }

    static Scored scoreWith(LoadedModel model, ScoreRequest request, FeatureLookup lookup) {
        List<ContractInput> inputs = model.inputs();
        double[] row = new double[inputs.size()];
        String[] status = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            ContractInput input = inputs.get(i);
            FeatureLookup.Value served = lookup.features().get(input.name());
            double x = Double.NaN;
            String from = null;
            if (served != null && served.value() != null && !"MISSING".equals(served.status())) {
                x = number(input.type(), served.value());
                from = served.status();
            }
            if (!Double.isFinite(x)) {
                Object attribute = request.attributes().get(input.name());
                if (attribute != null) {
                    x = number(input.type(), attribute);
                    from = "PRESENT";
                }
            }
            row[i] = x;
            status[i] = from;
        }
        double score = model.scorer().score(row);
        Map<String, ScoreAnswer.ServedFeature> features = new LinkedHashMap<>();
        List<String> imputed = new ArrayList<>();
        for (int i = 0; i < row.length; i++) {
            ContractInput input = inputs.get(i);
            if (Double.isFinite(row[i])) {
                features.put(input.name(), new ScoreAnswer.ServedFeature(typed(input.type(), row[i]), status[i]));
            } else {
                double value = model.scorer().imputation(i);
                features.put(input.name(), new ScoreAnswer.ServedFeature(typed(input.type(), value), "IMPUTED"));
                imputed.add(input.name());
            }
        }
        return new Scored(score, features, imputed);
    }

    static String decision(LoadedModel model, double score) {
        return model.scorer().decisionThreshold().isPresent() ? (model.scorer().decide(score) ? "positive"
                : "negative") : null;
    }

    private static Prediction event(String predictionId, ScoreRequest request, String useCase, int version,
            Variant variant, Scored scored, String decision, long totalNanos, long cpuNanos, List<String> warnings) {
        return new Prediction(predictionId, request.eventId(), request.entityId(), useCase, version, variant,
                scored.features(), scored.score(), decision, totalNanos / 1000, Math.max(0, cpuNanos) / 1000,
                Instant.now(), List.copyOf(warnings));
    }

    static boolean accepts(InputType type, Object value) {
        return switch (type) {
            case BOOLEAN -> value instanceof Boolean;
            case LONG -> value instanceof Long || value instanceof Integer
                    || (value instanceof Double d && d == Math.rint(d) && Double.isFinite(d));
            case DOUBLE -> value instanceof Number;
        };
    }

    /** A value as a model input; one of the wrong type (only possible from the feature-service) counts as missing. */
    private static double number(InputType type, Object value) {
        if (value instanceof Boolean b) {
            return type == InputType.BOOLEAN ? (b ? 1.0 : 0.0) : Double.NaN;
        }
        if (value instanceof Number n && type != InputType.BOOLEAN) {
            return n.doubleValue();
        }
        return Double.NaN;
    }

    private static Object typed(InputType type, double value) {
        return switch (type) {
            case BOOLEAN -> value >= 0.5;
            case LONG -> value == Math.rint(value) && Math.abs(value) < 9.0e15 ? (Object) (long) value
                    : (Object) value;
            case DOUBLE -> value;
        };
    }

    private static String describe(Object value) {
        return value instanceof String ? "a string" : value instanceof Boolean ? "a boolean"
                : value instanceof Number ? "the number " + value : value.getClass().getSimpleName();
    }

    /**
     * A random (version 4) UUID from the thread's own generator: prediction ids must be unique, not secret, and
     * UUID.randomUUID() takes the shared SecureRandom on every request.
     */
    static String predictionId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    private static long cpuNow() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : -1;
    }
}
