package dev.brigade.monitor.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.monitor.config.MonitorConfig;

/**
 * Samples of each feature-set version's live contract for the dashboard's chart: per expectation checked value by
 * value (type, range, categories, missing), the share of the feature-service's recent values that broke it. A
 * sample is taken when the dashboard reads the contract, at most one per {@code features.sample-every}; the last
 * {@code features.samples-kept} stay in memory (Prometheus keeps the long history of the same counters).
 */
@ApplicationScoped
public class ContractHistory {

    /** One sample: when, and per expectation ({@code feature/expectation}) the recent share of values breaking it. */
    public record Sample(long at, Map<String, Double> violationShare) {
    }

    private final long everyMillis;
    private final int kept;
    private final Map<RegistryView.FeatureSetRef, Deque<Sample>> samples = new ConcurrentHashMap<>();

    ContractHistory(MonitorConfig config) {
        this.everyMillis = config.features().sampleEvery().toMillis();
        this.kept = Math.max(1, config.features().samplesKept());
    }

    /** Records the contract's expectations (the feature-service's answer) if the last sample is old enough. */
    public void record(RegistryView.FeatureSetRef set, long now, JsonNode expectations) {
        Map<String, Double> shares = new LinkedHashMap<>();
        for (JsonNode e : expectations) {
            JsonNode feature = e.path("feature");
            long checked = e.path("recentChecked").asLong(0);
            // The set's own expectations (label balance, freshness) are not value-by-value shares: table only.
            if (feature.isNull() || feature.isMissingNode() || checked == 0) {
                continue;
            }
            shares.put(feature.asText() + "/" + e.path("expectation").asText(),
                    (double) e.path("recentViolations").asLong(0) / checked);
        }
        Deque<Sample> deque = samples.computeIfAbsent(set, k -> new ArrayDeque<>());
        synchronized (deque) {
            Sample last = deque.peekLast();
            if (last != null && now - last.at() < everyMillis) {
                return;
            }
            deque.addLast(new Sample(now, Map.copyOf(shares)));
            while (deque.size() > kept) {
                deque.removeFirst();
            }
        }
    }

    /** The samples of a version, oldest first. */
    public List<Sample> samples(RegistryView.FeatureSetRef set) {
        Deque<Sample> deque = samples.get(set);
        if (deque == null) {
            return List.of();
        }
        synchronized (deque) {
            return new ArrayList<>(deque);
        }
    }
}
