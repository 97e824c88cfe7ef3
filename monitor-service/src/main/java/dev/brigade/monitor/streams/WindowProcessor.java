package dev.brigade.monitor.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.events.AlertAction;
import dev.brigade.events.AlertEvent;
import dev.brigade.events.AlertRaised;
import dev.brigade.events.AlertResolved;
import dev.brigade.events.DriftDetected;
import dev.brigade.events.DriftEvent;
import dev.brigade.events.PerformanceDegraded;
import dev.brigade.events.Severity;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.AlertRule;
import dev.brigade.monitor.CostlyError;
import dev.brigade.monitor.FeatureDrift;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.RuleState;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.WindowSummary;
import dev.brigade.monitor.mapping.ObservationCodec;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.service.StationMetrics;
import dev.brigade.monitor.stats.CostlyErrors;
import dev.brigade.monitor.stats.RuleEngine;
import dev.brigade.monitor.stats.WindowCounts;
import dev.brigade.monitor.stats.WindowStatistics;
import dev.brigade.platform.kafka.TopicNames;

/**
 * The window stage, partitioned by use case: adds each observation to the counts of its tumbling window (per model
 * version), closes a window once the use case's event time has passed its end plus the grace and the window has
 * had no update for the quiet time (input partitions run at different speeds, most of all while a backlog is
 * replayed, so event time alone would close windows that lagging partitions still feed), or once it had no update
 * for the idle time, summarises them against the version's reference profile, keeps the summary in the history, and applies
 * the use case's alert rules. Alerts and drift events leave in the same exactly-once transaction as the state that
 * decided them, so a restart neither loses a window nor repeats an alert.
 */
final class WindowProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger LOG = Logger.getLogger(WindowProcessor.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec<AlertEvent> ALERTS = EventCodec.of(AlertEvent.class);
    private static final EventCodec<DriftEvent> DRIFTS = EventCodec.of(DriftEvent.class);
    private static final Set<String> PERFORMANCE = Set.of("auc", "accuracy", "precision", "recall", "mae", "rmse",
            "businessMetric", "labelled");

    private final MonitorTopology.Settings settings;
    private final RegistryView registry;
    private final StationMetrics metrics;
    private final Clock clock;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> open;
    private KeyValueStore<String, byte[]> history;
    private KeyValueStore<String, byte[]> rules;
    private KeyValueStore<String, byte[]> worst;
    /** Open windows, decoded; the store is the truth and is written on every change. */
    private final TreeMap<String, WindowCounts> cache = new TreeMap<>();
    /** Event time per use case: the latest observation time seen (each use case has its own clock). */
    private final Map<String, Long> eventTime = new HashMap<>();
    private final LongSupplier inputLag;
    private final TopicNames names;

    WindowProcessor(TopicNames names, MonitorTopology.Settings settings, RegistryView registry, StationMetrics metrics,
            Clock clock, LongSupplier inputLag) {
        this.names = names;
        this.inputLag = inputLag;
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.open = context.getStateStore(MonitorTopology.OPEN_WINDOWS_STORE);
        this.history = context.getStateStore(MonitorTopology.HISTORY_STORE);
        this.rules = context.getStateStore(MonitorTopology.RULES_STORE);
        this.worst = context.getStateStore(MonitorTopology.WORST_STORE);
        // A (re)start counts as an update: the idle clock must not run while the station was down, or every open
        // window would close before the backlog that belongs to it is read.
        long now = clock.millis();
        try (KeyValueIterator<String, byte[]> it = open.all()) {
            it.forEachRemaining(e -> {
                WindowCounts w = WindowCounts.fromBytes(e.value);
                w.lastUpdateWall = now;
                cache.put(e.key, w);
            });
        }
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, this::closeDue);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Observation o;
        try {
            o = ObservationCodec.decode(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("Undecodable observation skipped: %s", e.getMessage());
            return;
        }
        long length = settings.windowLength().toMillis();
        long start = Math.floorDiv(o.time(), length) * length;
        String key = MonitorTopology.windowKey(o.useCase(), o.version(), start);
        WindowCounts w = cache.get(key);
        if (w == null) {
            Long lastClosed = lastClosed(o.useCase(), o.version());
            if (lastClosed != null && start <= lastClosed) {
                metrics.lateObservation(o.getClass().getSimpleName().toLowerCase());
                return;
            }
            w = new WindowCounts(o.useCase(), o.version(), start, start + length);
            cache.put(key, w);
        }
        if (o instanceof Observation.Served s) {
            w.add(s, registry.profile(o.useCase(), o.version()));
        } else if (o instanceof Observation.Labelled l) {
            UseCaseSettings uc = registry.settings(o.useCase()).orElse(null);
            if (uc == null) {
                return;
            }
            w.add(l, uc);
            keepIfCostly(key, l, uc);
        } else if (o instanceof Observation.Skew k) {
            w.add(k);
        }
        w.lastUpdateWall = clock.millis();
        open.put(key, w.toBytes());
        eventTime.merge(o.useCase(), o.time(), Math::max);
    }

    /** Closes every window that is due, oldest first. */
    void closeDue(long wallNow) {
        if (cache.isEmpty()) {
            return;
        }
        long lag = inputLag.getAsLong();
        if (lag > settings.maxInputLag()) {
            // behind on the inputs (a backlog, a stall, a rebalance): what is still unread may belong to open windows
            for (WindowCounts w : cache.values()) {
                w.lastUpdateWall = wallNow;
            }
            return;
        }
        long grace = settings.grace().toMillis();
        long idle = settings.idleClose().toMillis();
        long quiet = settings.quiet().toMillis();
        List<String> due = new ArrayList<>();
        // Windows of one version close in order: a later one waits while an earlier one is still open (it may
        // still be taking labels), so rules see consecutive windows in sequence and nothing is marked late wrongly.
        String blocked = null;
        for (Map.Entry<String, WindowCounts> e : cache.entrySet()) {
            WindowCounts w = e.getValue();
            String series = w.useCase + '\0' + w.version;
            if (series.equals(blocked)) {
                continue;
            }
            Long now = eventTime.get(w.useCase);
            long sinceUpdate = wallNow - w.lastUpdateWall;
            if ((now != null && now >= w.end + grace && sinceUpdate >= quiet) || sinceUpdate >= idle) {
                due.add(e.getKey());
            } else {
                blocked = series;
            }
        }
        for (String key : due) {
            close(key, cache.remove(key), wallNow);
        }
    }

    private void close(String key, WindowCounts w, long wallNow) {
        UseCaseSettings uc = registry.settings(w.useCase).orElse(null);
        ReferenceProfile profile = registry.profile(w.useCase, w.version);
        Map<String, Double> offline = registry.version(w.useCase, w.version).map(RegistryView.Version::offline)
                .orElse(Map.of());
        WindowSummary summary = WindowStatistics.summarize(w, profile, uc, offline, settings.drift(), wallNow);
        open.delete(key);
        history.put(key, json(summary));
        long keepFrom = w.start - (long) settings.history() * settings.windowLength().toMillis();
        history.delete(MonitorTopology.windowKey(w.useCase, w.version, keepFrom));
        worst.delete(MonitorTopology.windowKey(w.useCase, w.version, keepFrom));
        rules.put(closedKey(w.useCase, w.version), Long.toString(w.start).getBytes());
        metrics.windowClosed(w.useCase);
        metrics.fairness(summary);
        LOG.infof("Window closed: %s v%d [%s, %s) %d predictions, %d labels, %d drifted features", w.useCase,
                w.version, Instant.ofEpochMilli(w.start), Instant.ofEpochMilli(w.end), w.served.predictions,
                w.outcomes.labelled, summary.driftedFeatures());
        if (uc != null) {
            for (AlertRule rule : uc.alertRules()) {
                evaluate(uc, rule, summary, wallNow);
            }
        }
    }

    private void evaluate(UseCaseSettings uc, AlertRule rule, WindowSummary window, long wallNow) {
        String stateKey = uc.name() + '\0' + rule.name() + '\0' + window.version();
        RuleState state = ruleState(stateKey);
        String alertId = uc.name() + ":" + rule.name() + ":v" + window.version() + ":" + window.windowEnd();
        RuleEngine.Decision d = RuleEngine.evaluate(rule, state, window, settings.cooldown(), alertId);
        if (!d.next().equals(state)) {
            rules.put(stateKey, json(d.next()));
        }
        if (d.outcome() == RuleEngine.Outcome.RAISE) {
            String message = String.format("%s = %.4g %s %s for %d consecutive window(s): v%d, window [%s, %s), "
                    + "%d samples", rule.metric(), d.value(), rule.above() ? "above" : "below", fmt(rule.threshold()),
                    rule.persistence(), window.version(), Instant.ofEpochMilli(window.windowStart()),
                    Instant.ofEpochMilli(window.windowEnd()), window.samplesOf(rule.metric()));
            alert(uc, rule, "raised", alertId, wallNow, new AlertRaised(rule.metric(), d.value(), rule.threshold(),
                    window.version(), message));
            LOG.warnf("Alert raised %s (%s, owner %s, action %s): %s", alertId, rule.severity(), rule.owner(),
                    rule.action(), message);
            if ("retrain".equals(rule.action())) {
                retrain(uc, rule, window, d.value(), wallNow);
            }
        } else if (d.outcome() == RuleEngine.Outcome.RESOLVE) {
            String message = String.format("%s = %.4g back within %s for %d window(s): v%d", rule.metric(),
                    d.value(), fmt(rule.threshold()), rule.persistence(), window.version());
            alert(uc, rule, "resolved", state.activeAlertId(), wallNow,
                    new AlertResolved(Instant.ofEpochMilli(state.raisedAt()), message));
            LOG.infof("Alert resolved %s", state.activeAlertId());
        }
    }

    /** Raise and resolve: the rule's owner, severity, playbook and action, the event id from the kind. */
    private void alert(UseCaseSettings uc, AlertRule rule, String kind, String alertId, long wallNow, Object payload) {
        AlertEvent event = AlertEvent.newBuilder().setEventId(kind + ":" + alertId).setAlertId(alertId)
                .setUseCase(uc.name()).setOccurredAt(Instant.ofEpochMilli(wallNow)).setRule(rule.name())
                .setSeverity(severity(rule)).setOwner(rule.owner()).setPlaybook(rule.playbook())
                .setAction(action(rule)).setPayload(payload).build();
        context.forward(Routes.to(names.topic(Topics.ALERTS), uc.name(), ALERTS.encode(event), wallNow));
        metrics.alert(uc.name(), kind);
    }

    /** A retrain action asks training through drift-events, only for signals the policy allows and after its cooldown. */
    private void retrain(UseCaseSettings uc, AlertRule rule, WindowSummary window, double value, long wallNow) {
        boolean performance = PERFORMANCE.contains(rule.metric()) || rule.metric().equals(uc.businessMetricName());
        String signal = performance ? "degraded" : "drift";
        if (!uc.retrainsOn(signal)) {
            LOG.infof("%s: the retraining policy of %s does not take the %s signal", rule.name(), uc.name(), signal);
            return;
        }
        String key = uc.name() + "\0#retrain";
        byte[] last = rules.get(key);
        if (last != null && window.windowEnd() < Long.parseLong(new String(last)) + uc.retrainCooldown().toMillis()) {
            LOG.infof("%s: retraining of %s is in its cooldown; no drift event", rule.name(), uc.name());
            return;
        }
        rules.put(key, Long.toString(window.windowEnd()).getBytes());
        Object payload;
        if (performance) {
            payload = new PerformanceDegraded(window.performance().labelled(), rule.metric(), value,
                    window.offline().get(rule.metric()), rule.threshold());
        } else {
            List<dev.brigade.events.FeatureDrift> features = new ArrayList<>();
            for (FeatureDrift f : window.features()) {
                features.add(new dev.brigade.events.FeatureDrift(f.feature(), f.psi(), f.test(), f.statistic(),
                        f.adjustedPValue(), f.drifted()));
            }
            payload = new DriftDetected(window.predictions(), features);
        }
        DriftEvent event = DriftEvent.newBuilder()
                .setEventId("drift:" + uc.name() + ":" + rule.name() + ":v" + window.version() + ":"
                        + window.windowEnd())
                .setUseCase(uc.name()).setModelVersion(window.version()).setOccurredAt(Instant.ofEpochMilli(wallNow))
                .setWindowStart(Instant.ofEpochMilli(window.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(window.windowEnd())).setSeverity(severity(rule))
                .setRule(rule.name()).setPayload(payload).build();
        context.forward(Routes.to(names.topic(Topics.DRIFT_EVENTS), uc.name(), DRIFTS.encode(event), wallNow));
        LOG.infof("Drift event %s for %s (%s)", event.getEventId(), uc.name(), signal);
    }

    /** Offers a realised error to its window's costliest list; the store is written only when the list changes. */
    private void keepIfCostly(String key, Observation.Labelled l, UseCaseSettings uc) {
        CostlyError error = CostlyErrors.of(l, uc);
        if (error == null || settings.worstKept() <= 0) {
            return;
        }
        List<CostlyError> next = CostlyErrors.offer(readWorst(worst.get(key)), error, settings.worstKept());
        if (next != null) {
            worst.put(key, json(next));
        }
    }

    static final TypeReference<List<CostlyError>> WORST_LIST = new TypeReference<>() {
    };
    private static final TypeReference<RuleState> RULE_STATE = new TypeReference<>() {
    };

    static List<CostlyError> readWorst(byte[] bytes) {
        return read(bytes, WORST_LIST, List.of(), "costliest-errors list");
    }

    private RuleState ruleState(String key) {
        return read(rules.get(key), RULE_STATE, RuleState.INITIAL, "rule state " + key);
    }

    /** A stored JSON value, or {@code absent} when there is none or it is unreadable (reset: logged). */
    private static <T> T read(byte[] bytes, TypeReference<T> type, T absent, String what) {
        if (bytes == null) {
            return absent;
        }
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            LOG.warnf("Unreadable %s reset: %s", what, e.getMessage());
            return absent;
        }
    }

    private Long lastClosed(String useCase, int version) {
        byte[] b = rules.get(closedKey(useCase, version));
        return b == null ? null : Long.parseLong(new String(b));
    }

    private static String closedKey(String useCase, int version) {
        return useCase + "\0#closed\0" + version;
    }

    static Severity severity(AlertRule rule) {
        return named(Severity.values(), rule.severity(), Severity.INFO);
    }

    static AlertAction action(AlertRule rule) {
        return named(AlertAction.values(), rule.action(), AlertAction.NONE);
    }

    /** The constant a spec names in lower case ("page" -> PAGE); anything else is {@code otherwise}. */
    private static <E extends Enum<E>> E named(E[] values, String name, E otherwise) {
        return Arrays.stream(values).filter(e -> e.name().toLowerCase().equals(name)).findFirst().orElse(otherwise);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
