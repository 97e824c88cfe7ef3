package dev.brigade.serving.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.events.topics.Topics;
import dev.brigade.serving.Variant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The serving counter's meters. Meters with request tags are cached by their tags, so the request path pays a
 * map look-up rather than Micrometer's builder for each request.
 */
@ApplicationScoped
public class ServingMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<PredictionKey, PredictionMeters> predictions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> featureTimers = new ConcurrentHashMap<>();
    private final Counter predictionsSent;

    private record PredictionKey(String useCase, int version, Variant variant) {
    }

    private record PredictionMeters(Counter requests, Timer latency, DistributionSummary cpu) {
    }

    ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.predictionsSent = counter("brigade.serving.prediction.log.sent", "Predictions acknowledged by Kafka");
    }

    /**
     * One scored request (shadow scorings too): count, latency histogram and CPU cost by use case, version and
     * variant.
     */
    public void scored(String useCase, int version, Variant variant, long latencyNanos, long cpuNanos) {
        PredictionMeters m = predictions.computeIfAbsent(new PredictionKey(useCase, version, variant), k -> {
            String[] tags = {"use_case", k.useCase(), "version", Integer.toString(k.version()), "variant",
                    k.variant().name()};
            return new PredictionMeters(
                    Counter.builder("brigade.serving.requests").description("Scored requests").tags(tags)
                            .register(registry),
                    Timer.builder("brigade.serving.latency").description("Latency of a scored request, end to end")
                            .tags(tags).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
                            .maximumExpectedValue(Duration.ofSeconds(2)).register(registry),
                    DistributionSummary.builder("brigade.serving.cpu").baseUnit("seconds")
                            .description("CPU time of one prediction on the serving thread, features to answer "
                                    + "(the cost)").tags(tags).register(registry));
        });
        m.requests().increment();
        m.latency().record(latencyNanos, TimeUnit.NANOSECONDS);
        if (cpuNanos >= 0) {
            m.cpu().record(cpuNanos / 1e9);
        }
    }

    /** A request that did not get a score, or a degraded one: kind is bad-request, unknown-use-case, ... */
    public void error(String useCase, String kind) {
        counter("brigade.serving.errors", "Requests that failed or degraded, by kind", "use_case", useCase, "kind",
                kind).increment();
    }

    public void featureLookup(String useCase, String outcome, long nanos) {
        featureTimers.computeIfAbsent(useCase + '\0' + outcome, k -> Timer.builder("brigade.serving.features")
                .description("Feature-service look-ups by outcome (ok, timeout, unavailable, error)")
                .tags("use_case", useCase, "outcome", outcome).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void imputed(String useCase, int count) {
        counter("brigade.serving.imputed.inputs", "Model inputs imputed from training statistics", "use_case",
                useCase).increment(count);
    }

    public void predictionLogDropped(String reason) {
        counter("brigade.serving.prediction.log.dropped", "Predictions not logged, by reason", "reason", reason)
                .increment();
    }

    public void predictionLogged() {
        predictionsSent.increment(); // once per prediction, on the producer's thread: no key built each time
    }

    public void shadowDropped() {
        counter("brigade.serving.shadow.dropped", "Shadow scorings dropped because the shadow queue was full")
                .increment();
    }

    public void modelLoad(String useCase, String outcome) {
        counter("brigade.serving.model.loads", "Model loads by outcome (loaded, failed, retry)", "use_case", useCase,
                "outcome", outcome).increment();
    }

    /**
     * registry-events by outcome, read from the follower's counts (a meter holds its source weakly: pass the
     * long-lived follower itself, not a lambda).
     */
    public <T> void registryEvents(T follower, ToLongFunction<T> applied, ToLongFunction<T> skipped) {
        for (var outcome : Map.of("applied", applied, "skipped", skipped).entrySet()) {
            FunctionCounter.builder("brigade.events.consumed", follower, f -> outcome.getValue().applyAsLong(f))
                    .description("Events consumed and processed, by topic")
                    .tags("topic", Topics.REGISTRY_EVENTS, "outcome", outcome.getKey()).register(registry);
        }
    }

    private Counter counter(String name, String description, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (String tag : tags) {
            key.append('\0').append(tag);
        }
        return counters.computeIfAbsent(key.toString(),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
