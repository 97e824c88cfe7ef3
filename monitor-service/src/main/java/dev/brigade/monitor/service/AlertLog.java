package dev.brigade.monitor.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.events.AlertEvent;
import dev.brigade.events.AlertRaised;
import dev.brigade.events.AlertResolved;
import dev.brigade.events.DriftDetected;
import dev.brigade.events.DriftEvent;
import dev.brigade.events.PerformanceDegraded;

/** The fold of alerts and drift-events for the dashboard: recent alerts per use case and which are open. */
@ApplicationScoped
public class AlertLog {

    static final int KEEP = 500;

    public record Entry(String eventId, String alertId, String useCase, long at, String kind, String rule,
            String severity, String owner, String playbook, String action, String metric, Double value,
            Double threshold, Integer modelVersion, String message) {
    }

    public record Signal(String eventId, String useCase, long at, String kind, String rule, Integer modelVersion,
            long windowStart, long windowEnd, String detail) {
    }

    private final Map<String, Deque<Entry>> alerts = new HashMap<>();
    private final Map<String, Map<String, Entry>> open = new HashMap<>();
    private final Map<String, Deque<Signal>> signals = new HashMap<>();
    private final java.util.Set<String> seen = new java.util.HashSet<>();

    public synchronized void apply(AlertEvent e) {
        if (!seen.add(e.getEventId())) {
            return;
        }
        String uc = e.getUseCase();
        Entry entry;
        if (e.getPayload() instanceof AlertRaised r) {
            entry = new Entry(e.getEventId(), e.getAlertId(), uc, e.getOccurredAt().toEpochMilli(), "raised",
                    e.getRule(), e.getSeverity().name(), e.getOwner(), e.getPlaybook(), e.getAction().name(),
                    r.getMetric(), r.getValue(), r.getThreshold(), r.getModelVersion(), r.getMessage());
            open.computeIfAbsent(uc, k -> new LinkedHashMap<>()).put(e.getAlertId(), entry);
        } else {
            AlertResolved r = (AlertResolved) e.getPayload();
            entry = new Entry(e.getEventId(), e.getAlertId(), uc, e.getOccurredAt().toEpochMilli(), "resolved",
                    e.getRule(), e.getSeverity().name(), e.getOwner(), e.getPlaybook(), e.getAction().name(), null,
                    null, null, null, r.getMessage());
            open.getOrDefault(uc, new HashMap<>()).remove(e.getAlertId());
        }
        Deque<Entry> list = alerts.computeIfAbsent(uc, k -> new ArrayDeque<>());
        list.addFirst(entry);
        while (list.size() > KEEP) {
            list.removeLast();
        }
    }

    public synchronized void apply(DriftEvent e) {
        String detail;
        String kind;
        if (e.getPayload() instanceof DriftDetected d) {
            kind = "drift";
            detail = d.getFeatures().stream().filter(f -> f.getDrifted()).map(f -> f.getFeature())
                    .reduce((a, b) -> a + ", " + b).map(s -> "drifted: " + s).orElse("no feature flagged")
                    + " (" + d.getSampleCount() + " predictions)";
        } else {
            PerformanceDegraded p = (PerformanceDegraded) e.getPayload();
            kind = "degraded";
            detail = p.getMetric() + " = " + String.format("%.4f", p.getValue()) + " (threshold " + p.getThreshold()
                    + ", offline " + p.getOfflineValue() + ", " + p.getSampleCount() + " labels)";
        }
        Deque<Signal> list = signals.computeIfAbsent(e.getUseCase(), k -> new ArrayDeque<>());
        list.addFirst(new Signal(e.getEventId(), e.getUseCase(), e.getOccurredAt().toEpochMilli(), kind, e.getRule(),
                e.getModelVersion(), e.getWindowStart().toEpochMilli(), e.getWindowEnd().toEpochMilli(), detail));
        while (list.size() > KEEP) {
            list.removeLast();
        }
    }

    public synchronized List<Entry> recent(String useCase) {
        return new ArrayList<>(alerts.getOrDefault(useCase, new ArrayDeque<>()));
    }

    public synchronized List<Entry> open(String useCase) {
        return new ArrayList<>(open.getOrDefault(useCase, Map.of()).values());
    }

    public synchronized List<Signal> signals(String useCase) {
        return new ArrayList<>(signals.getOrDefault(useCase, new ArrayDeque<>()));
    }
}
