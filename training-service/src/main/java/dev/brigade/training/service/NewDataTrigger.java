package dev.brigade.training.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.brigade.events.TrainingReason;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunStatus;
import dev.brigade.training.TrainingRequest;
import dev.brigade.training.UseCaseSettings;
import dev.brigade.training.client.RegistryClient;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.mapping.SpecMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Raises NEW_DATA requests by itself, so a use case whose policy allows it retrains as labelled examples accumulate
 * (and gets its first model without anyone asking). It asks only when the request would pass the policy: the signal
 * is allowed, no run is live, the daily budget and the cooldown allow a run, and at least the policy's minimum of
 * this feature set's examples arrived since the last successful run's ranges (counted by {@link ExampleTally}). The
 * run applies the same check on the rows it reads, so the two agree and no SKIPPED run is made for nothing. Every
 * instance's trigger asks, on training-requests, so the use case's partition owner decides ({@link #requestId}).
 */
@ApplicationScoped
public class NewDataTrigger {

    private static final Logger LOG = Logger.getLogger(NewDataTrigger.class);

    private final TrainingConfig config;
    private final RegistryClient registry;
    private final ExampleTally tally;
    private final RunStore store;
    private final TrainingRequestPublisher requests;
    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService timer;

    NewDataTrigger(TrainingConfig config, RegistryClient registry, ExampleTally tally, RunStore store,
            TrainingRequestPublisher requests) {
        this.config = config;
        this.registry = registry;
        this.tally = tally;
        this.store = store;
        this.requests = requests;
    }

    void start(@Observes StartupEvent event) {
        if (!config.newData().enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "new-data-trigger");
            t.setDaemon(true);
            return t;
        });
        long every = config.newData().interval().toMillis();
        timer.scheduleWithFixedDelay(this::checkAll, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One pass over the registered use cases; failures are logged and retried at the next pass. */
    void checkAll() {
        try {
            for (String useCase : registry.useCaseNames()) {
                try {
                    UseCaseSettings settings = SpecMapper.toSettings(registry.spec(useCase));
                    Instant now = clock.instant();
                    Optional<String> notNow = reasonNotToAsk(settings, store.list(useCase), tally, now);
                    if (notNow.isEmpty()) {
                        String requestId = requestId(useCase, store.list(useCase));
                        requests.publish(new TrainingRequest(requestId, useCase, TrainingReason.NEW_DATA, null, now,
                                "new-data-trigger", Map.of()));
                        LOG.infof("NEW_DATA request %s for %s published", requestId, useCase);
                    } else {
                        LOG.debugf("no NEW_DATA request for %s: %s", useCase, notNow.get());
                    }
                } catch (RuntimeException e) {
                    LOG.warnf("NEW_DATA check of %s failed: %s", useCase, e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("NEW_DATA check failed (registry or Kafka unavailable?): %s", e.getMessage());
        }
    }

    /**
     * The same id on every instance for the same view of the use case's runs ("after" its newest run): when several
     * instances' triggers ask at once, the partition owner runs the first and answers the others with the same run
     * (dedup by request id), and the next request after that run ends gets a new id.
     */
    static String requestId(String useCase, List<RunRecord> history) {
        String after = history.stream().max(java.util.Comparator.comparing(RunRecord::createdAt))
                .map(RunRecord::runId).orElse("none");
        return "new-data-" + useCase + "-after-" + after;
    }

    /**
     * Why no NEW_DATA request should be made now, or empty when one should.
     *
     * @param history the use case's runs, any order
     * @param tally where this feature set's examples sit on training-examples
     */
    static Optional<String> reasonNotToAsk(UseCaseSettings settings, List<RunRecord> history, ExampleTally tally,
            Instant now) {
        if (!settings.retraining().signals().contains(TrainingReason.NEW_DATA)) {
            return Optional.of("the policy does not allow new-data");
        }
        if (history.stream().anyMatch(r -> r.status() == RunStatus.QUEUED || r.status() == RunStatus.RUNNING)) {
            return Optional.of("a run is live");
        }
        TrainingRequest probe = new TrainingRequest("probe", settings.name(), TrainingReason.NEW_DATA, null, now,
                null, Map.of());
        Optional<String> policy = TrainingPolicy.beforeData(probe, settings.retraining(), history, now);
        if (policy.isPresent()) {
            return policy;
        }
        long grown = tally.countSince(settings.name(), settings.featureSet(), settings.featureSetVersion(),
                TrainingJob.previousEnds(history, settings));
        if (grown < settings.retraining().minNewLabelledExamples()) {
            return Optional.of(grown + " examples since the last run, the policy needs "
                    + settings.retraining().minNewLabelledExamples());
        }
        return Optional.empty();
    }
}
