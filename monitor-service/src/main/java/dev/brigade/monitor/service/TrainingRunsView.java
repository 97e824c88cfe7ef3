package dev.brigade.monitor.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.events.RunFailed;
import dev.brigade.events.RunProgress;
import dev.brigade.events.RunSkipped;
import dev.brigade.events.RunStarted;
import dev.brigade.events.RunSucceeded;
import dev.brigade.events.TrainingRunEvent;

/** The fold of training-runs for the dashboard: each run's status, reason, loss per epoch and outcome. */
@ApplicationScoped
public class TrainingRunsView {

    /** Runs kept per use case, newest first on the dashboard. */
    static final int KEEP = 50;

    public record Epoch(int epoch, double trainLoss, Double validationLoss) {
    }

    public record Run(String runId, String useCase, String status, String reason, long startedAt, long updatedAt,
            int maxEpochs, List<Epoch> epochs, Integer modelVersion, Map<String, Double> metrics, String detail) {
    }

    private final Map<String, Run> runs = new LinkedHashMap<>();

    public synchronized void apply(TrainingRunEvent event) {
        String id = event.getRunId();
        long at = event.getOccurredAt().toEpochMilli();
        Run r = runs.get(id);
        if (r == null) {
            r = new Run(id, event.getUseCase(), "requested", null, at, at, 0, new ArrayList<>(), null, Map.of(), null);
        }
        Object p = event.getPayload();
        if (p instanceof RunStarted s) {
            r = new Run(id, r.useCase(), "running", s.getReason().name(), at, at, r.maxEpochs(), r.epochs(),
                    r.modelVersion(), r.metrics(), null);
        } else if (p instanceof RunProgress g) {
            r.epochs().removeIf(e -> e.epoch() == g.getEpoch());
            r.epochs().add(new Epoch(g.getEpoch(), g.getTrainLoss(), g.getValidationLoss()));
            r.epochs().sort(Comparator.comparingInt(Epoch::epoch));
            String status = "requested".equals(r.status()) ? "running" : r.status();
            r = new Run(id, r.useCase(), status, r.reason(), r.startedAt(), at, g.getMaxEpochs(), r.epochs(),
                    r.modelVersion(), r.metrics(), r.detail());
        } else if (p instanceof RunSucceeded s) {
            r = new Run(id, r.useCase(), "succeeded", r.reason(), r.startedAt(), at, r.maxEpochs(), r.epochs(),
                    s.getModelVersion(), Map.copyOf(s.getMetrics()), "wall " + s.getWallTimeMillis() + " ms");
        } else if (p instanceof RunFailed f) {
            r = new Run(id, r.useCase(), "failed", r.reason(), r.startedAt(), at, r.maxEpochs(), r.epochs(),
                    r.modelVersion(), r.metrics(), f.getReason());
        } else if (p instanceof RunSkipped s) {
            r = new Run(id, r.useCase(), "skipped", r.reason(), r.startedAt(), at, r.maxEpochs(), r.epochs(),
                    r.modelVersion(), r.metrics(), s.getWhy());
        }
        runs.put(id, r);
        trim(r.useCase());
    }

    private void trim(String useCase) {
        List<String> ofUseCase = runs.values().stream().filter(x -> x.useCase().equals(useCase))
                .sorted(Comparator.comparingLong(Run::startedAt)).map(Run::runId).toList();
        for (int i = 0; i + KEEP < ofUseCase.size(); i++) {
            runs.remove(ofUseCase.get(i));
        }
    }

    public synchronized List<Run> of(String useCase) {
        return runs.values().stream().filter(r -> r.useCase().equals(useCase))
                .sorted(Comparator.comparingLong(Run::startedAt).reversed())
                .map(r -> new Run(r.runId(), r.useCase(), r.status(), r.reason(), r.startedAt(), r.updatedAt(),
                        r.maxEpochs(), List.copyOf(r.epochs()), r.modelVersion(), r.metrics(), r.detail()))
                .toList();
    }
}
