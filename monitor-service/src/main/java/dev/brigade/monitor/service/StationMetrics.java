package dev.brigade.monitor.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.brigade.monitor.WindowSummary;

/** The station's counters on /q/metrics, incremented from the stream threads and the action consumer. */
@ApplicationScoped
public class StationMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> gaps = new ConcurrentHashMap<>();

    StationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** brigade_events_consumed_total{topic}: input events processed (as every service counts them). */
    public void consumed(String topic) {
        counter("brigade.events.consumed", "Events consumed and processed, by topic", "topic", topic).increment();
    }

    public void deadLettered(String topic, String reason) {
        counter("brigade.monitor.dead.letters", "Input records sent to <topic>.dlq", "topic", topic).increment();
    }

    /** Duplicates dropped by event id (predictions by prediction id, labels by event id). */
    public void duplicate(String topic) {
        counter("brigade.monitor.duplicates", "Redelivered or repeated input records dropped", "topic", topic)
                .increment();
    }

    public void expiredLabel() {
        counter("brigade.monitor.labels.expired", "Labels later than the use case's maximum label delay", "reason",
                "max-delay").increment();
    }

    public void lateObservation(String kind) {
        counter("brigade.monitor.observations.late", "Observations for a window that had already closed", "kind",
                kind).increment();
    }

    public void windowClosed(String useCase) {
        counter("brigade.monitor.windows.closed", "Windows closed and summarised", "use_case", useCase).increment();
    }

    /**
     * brigade_monitor_fairness_gap{use_case,variant,attribute,metric}: the gap between the slices of a protected
     * attribute on the realised labels of the latest closed window of that variant (see WindowSummary.Fairness).
     */
    public void fairness(WindowSummary window) {
        if (window.fairness() == null) {
            return;
        }
        for (WindowSummary.Gap g : window.fairness().gaps()) {
            String key = window.useCase() + "|" + window.variant() + "|" + g.attribute() + "|" + g.metric();
            gaps.computeIfAbsent(key, k -> {
                AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
                Gauge.builder("brigade.monitor.fairness.gap", value, AtomicReference::get)
                        .description("Gap between the highest and lowest slice of a protected attribute, realised"
                                + " labels of the latest closed window")
                        .tags("use_case", window.useCase(), "variant", window.variant(), "attribute", g.attribute(),
                                "metric", g.metric())
                        .register(registry);
                return value;
            }).set(g.gap());
        }
    }

    public void alert(String useCase, String kind) {
        counter("brigade.monitor.alerts", "Alerts raised and resolved", "kind", kind).increment();
    }

    public void action(String action, String outcome) {
        registry.counter("brigade.monitor.actions", "action", action, "outcome", outcome).increment();
    }

    private Counter counter(String name, String description, String tag, String value) {
        return counters.computeIfAbsent(name + "|" + value, k -> Counter.builder(name).description(description)
                .tag(tag, value).register(registry));
    }
}
