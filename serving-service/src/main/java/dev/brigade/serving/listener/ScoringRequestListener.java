package dev.brigade.serving.listener;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.brigade.events.ScoringRequested;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.http.FieldError;
import dev.brigade.serving.Deployment;
import dev.brigade.serving.Refusal;
import dev.brigade.serving.config.BatchConfig;
import dev.brigade.serving.config.Channels;
import dev.brigade.serving.mapping.ScoreMapper;
import dev.brigade.serving.service.ModelStore;
import dev.brigade.serving.service.ScorePublisher;
import dev.brigade.serving.service.ScoringService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Kafka to Kafka scoring for use cases whose spec says serving.mode batch: each ScoringRequested on
 * {@value Topics#SCORING_REQUESTS} is scored by the online path's own core ({@link ScoringService}: routing, contract,
 * features as of the request's eventTime, imputation, model, baseline fallback, prediction log, shadow) and answered
 * with a ScoreProduced on {@value Topics#SCORES}. The record is acknowledged (its offset committed) only once Kafka
 * acknowledged the score: consume, process, then commit.
 *
 * <p>A record that does not decode never reaches this method (the channel dead-letters it). A request that cannot be
 * scored (invalid ids, unknown use case, a use case served online, no model, attributes of the wrong type, a model
 * failure without baseline) is nacked with the reason and goes to {@code scoring-requests.dlq} with the
 * {@code dead-letter-reason} header; the partition moves on. Up to {@code batch.max-in-flight} requests are scored at
 * once (the throttled commit strategy commits an offset only when everything before it is acknowledged).
 */
@ApplicationScoped
public class ScoringRequestListener {

    private static final Logger LOG = Logger.getLogger(ScoringRequestListener.class);

    /** Why a request went to the dead-letter topic; its message is the dead-letter-reason header. */
    public static final class RejectedRequest extends RuntimeException {
        public RejectedRequest(String reason) {
            super(reason, null, false, false);
        }
    }

    private final ModelStore models;
    private final RegistryFollower follower;
    private final ScoringService scoring;
    private final ScorePublisher scores;
    private final BatchConfig config;
    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile CompletableFuture<Void> slotFreed;
    private final Map<String, Boolean> answered;

    ScoringRequestListener(ModelStore models, RegistryFollower follower, ScoringService scoring,
            ScorePublisher scores, BatchConfig config, MeterRegistry registry) {
        this.models = models;
        this.follower = follower;
        this.scoring = scoring;
        this.scores = scores;
        this.config = config;
        this.registry = registry;
        int window = Math.max(1, config.dedupWindow());
        this.answered = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > window;
            }
        });
    }

    @Incoming(Channels.SCORING_REQUESTS)
    public CompletionStage<Void> consume(Message<ScoringRequested> message) {
        // Until the registry's log is folded and the named champions loaded, "unknown use case" would be a lie.
        if (!ready()) {
            return whenReady().thenCompose(ready -> consume(message));
        }
        ScoringRequested request = message.getPayload();
        if (request == null) {
            // Only a record that did not decode has no value here; its bytes and the cause ride in its headers.
            count("dead-lettered");
            return message.nack(new RejectedRequest("the record's value did not decode as ScoringRequested"));
        }
        CompletionStage<Void> outcome;
        try {
            outcome = process(request).handle((done, failure) -> {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause()
                        != null ? failure.getCause() : failure;
                if (cause == null) {
                    count("scored");
                    return message.ack();
                }
                return reject(message, request, cause);
            }).thenCompose(stage -> stage);
        } catch (RuntimeException e) {
            outcome = reject(message, request, e);
        }
        inFlight.incrementAndGet();
        outcome.whenComplete((done, failure) -> {
            inFlight.decrementAndGet();
            CompletableFuture<Void> waiting = slotFreed;
            if (waiting != null) {
                waiting.complete(null);
            }
        });
        // The channel hands over the next record once this stage completes: bounded work in flight. Set before the
        // check, so a slot freed in between completes it.
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        slotFreed = waiting;
        if (inFlight.get() < Math.max(1, config.maxInFlight())) {
            waiting.complete(null);
        }
        return waiting;
    }

    private CompletionStage<Void> process(ScoringRequested request) {
        List<FieldError> errors = ScoreMapper.validate(request);
        if (!errors.isEmpty()) {
            throw new RejectedRequest("invalid request: " + describe(errors));
        }
        Deployment deployment = models.deployment(request.getUseCase());
        if (deployment == null) {
            throw new RejectedRequest("unknown use case " + request.getUseCase());
        }
        if (deployment.state().spec() == null || !deployment.state().spec().batch()) {
            throw new RejectedRequest(request.getUseCase() + " is served online (serving.mode online): score it with "
                    + "POST /v1/score/" + request.getUseCase());
        }
        if (!deployment.canServe()) {
            throw new RejectedRequest(request.getUseCase() + " has no model to serve: "
                    + (deployment.notes().isEmpty() ? "no champion and no baseline is loaded"
                            : String.join("; ", deployment.notes())));
        }
        if (answered.containsKey(request.getRequestId())) {
            // A redelivery (rebalance, restart) of a request this instance already answered: one score per request.
            count("duplicate");
            return CompletableFuture.completedFuture(null);
        }
        return scoring.scoreRequested(deployment, ScoreMapper.toRequest(request), config.lookupTimeout().toMillis())
                .thenCompose(answer -> scores.publish(ScoreMapper.toEvent(answer, request.getRequestId(), null,
                        request.getEventTime(), Instant.now())))
                .thenRun(() -> answered.put(request.getRequestId(), Boolean.TRUE));
    }

    private CompletionStage<Void> reject(Message<ScoringRequested> message, ScoringRequested request,
            Throwable cause) {
        String reason = cause instanceof Refusal refusal && refusal.reason() == Refusal.Reason.INVALID_REQUEST
                ? "invalid request: " + describe(refusal.errors())
                : cause instanceof RejectedRequest || cause instanceof Refusal ? cause.getMessage()
                : "scoring failed: " + cause;
        count("dead-lettered");
        LOG.warnf("Scoring request %s (event %s, use case %s) to %s: %s", request.getRequestId(),
                request.getEventId(), request.getUseCase(), Topics.dlq(Topics.SCORING_REQUESTS), reason);
        return message.nack(cause instanceof RejectedRequest ? cause : new RejectedRequest(reason));
    }

    private boolean ready() {
        return follower.caughtUp() && models.championsSettled();
    }

    private CompletableFuture<Void> whenReady() {
        return CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)).thenCompose(
                        ignored -> ready() ? CompletableFuture.completedFuture(null) : whenReady());
    }

    private void count(String outcome) {
        Counter.builder("brigade.events.consumed").description("Events consumed and processed, by topic")
                .tag("topic", Topics.SCORING_REQUESTS).tag("outcome", outcome).register(registry).increment();
    }

    private static String describe(List<FieldError> errors) {
        return errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; "));
    }
}
