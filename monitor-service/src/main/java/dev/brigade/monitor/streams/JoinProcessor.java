package dev.brigade.monitor.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.Variant;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.FiniteNumbers;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.Observation;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.mapping.ObservationCodec;
import dev.brigade.monitor.service.RegistryView;
import dev.brigade.monitor.service.StationMetrics;
import dev.brigade.platform.kafka.TopicNames;

/**
 * The join stage, partitioned by event id (predictions, labels and feature-vectors are all keyed by it, so they
 * are co-partitioned): dedups predictions by prediction id and labels by event id, joins a label to every
 * prediction of its event in whichever order they arrive (within the use case's maximum label delay), compares
 * served and offline features for skew, and hands observations keyed by use case to the window stage. Undecodable
 * records, and predictions with a NaN or infinite number, go to their topic's dead-letter twin in the same
 * transaction.
 */
final class JoinProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger LOG = Logger.getLogger(JoinProcessor.class);
    private static final EventCodec<PredictionLogged> PREDICTIONS = EventCodec.of(PredictionLogged.class);
    private static final EventCodec<LabelEvent> LABELS = EventCodec.of(LabelEvent.class);
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);

    private final MonitorTopology.Settings settings;
    private final RegistryView registry;
    private final StationMetrics metrics;
    private final Clock clock;
    private final TopicNames names;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> served;
    private KeyValueStore<String, byte[]> labels;
    private KeyValueStore<String, byte[]> vectors;
    private KeyValueStore<String, byte[]> expiry;

    JoinProcessor(TopicNames names, MonitorTopology.Settings settings, RegistryView registry, StationMetrics metrics,
            Clock clock) {
        this.names = names;
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.served = context.getStateStore(MonitorTopology.SERVED_STORE);
        this.labels = context.getStateStore(MonitorTopology.LABELS_STORE);
        this.vectors = context.getStateStore(MonitorTopology.VECTORS_STORE);
        this.expiry = context.getStateStore(MonitorTopology.EXPIRY_STORE);
        context.schedule(settings.sweep(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        // the install's physical name back to the contract's; another install's topic is no input of this one
        switch (names.logical(topic).orElse("")) {
            case Topics.PREDICTIONS -> prediction(record);
            case Topics.LABELS -> label(record);
            case Topics.FEATURE_VECTORS -> vector(record);
            default -> LOG.warnf("Record from unexpected topic %s ignored", topic);
        }
    }

    private void prediction(Record<String, byte[]> record) {
        PredictionLogged p = decode(record, PREDICTIONS, Topics.PREDICTIONS);
        if (p == null) {
            return;
        }
        String nonFinite = FiniteNumbers.firstNonFinite(p);
        if (nonFinite != null) {
            // a NaN score would poison every window statistic it reached
            deadLetter(record, Topics.PREDICTIONS, new IllegalArgumentException(FiniteNumbers.reason(p, nonFinite)));
            return;
        }
        MDC.put("eventId", p.getEventId());
        try {
            List<JoinState.Served> known = JoinState.decode(served.get(p.getEventId()));
            if (known.stream().anyMatch(s -> s.predictionId().equals(p.getPredictionId()))) {
                metrics.duplicate(Topics.PREDICTIONS);
                return;
            }
            Observation.Served observation = served(p);
            long now = clock.millis();
            UseCaseSettings uc = registry.settings(p.getUseCase()).orElse(null);
            JoinState.Served entry = new JoinState.Served(p.getPredictionId(), p.getUseCase(), p.getModelVersion(),
                    p.getVariant().name(), p.getScore(), p.getServedAt().toEpochMilli(), now, false, false,
                    costValues(observation, uc), observation);
            emit(observation);
            byte[] labelBytes = labels.get(p.getEventId());
            if (labelBytes != null) {
                entry = joinLabel(entry, JoinState.decodeLabel(labelBytes), uc, p.getEventId());
            }
            byte[] vectorBytes = vectors.get(p.getEventId());
            if (vectorBytes != null) {
                entry = joinVector(entry, VECTORS.decode(vectorBytes));
            }
            known.add(entry);
            served.put(p.getEventId(), JoinState.encode(known));
            Duration keep = uc == null ? Duration.ofDays(1) : uc.maxLabelDelay();
            expiry.put(expiryKey(now + keep.toMillis(), 'P', p.getEventId()), new byte[0]);
            if (vectorBytes == null) {
                expiry.put(expiryKey(now + settings.skewWait().toMillis(), 'S', p.getEventId()), new byte[0]);
            }
            metrics.consumed(Topics.PREDICTIONS);
        } finally {
            MDC.remove("eventId");
        }
    }

    private void label(Record<String, byte[]> record) {
        LabelEvent l = decode(record, LABELS, Topics.LABELS);
        if (l == null) {
            return;
        }
        MDC.put("eventId", l.getEventId());
        try {
            if (labels.get(l.getEventId()) != null) {
                metrics.duplicate(Topics.LABELS);
                return;
            }
            long now = clock.millis();
            JoinState.Label label = new JoinState.Label(l.getLabel(), l.getLabelTime().toEpochMilli(), now);
            labels.put(l.getEventId(), JoinState.encode(label));
            List<JoinState.Served> known = JoinState.decode(served.get(l.getEventId()));
            long keep = settings.pendingLabelWait().toMillis();
            if (!known.isEmpty()) {
                List<JoinState.Served> updated = new ArrayList<>();
                for (JoinState.Served s : known) {
                    UseCaseSettings uc = registry.settings(s.useCase()).orElse(null);
                    updated.add(s.labelled() ? s : joinLabel(s, label, uc, l.getEventId()));
                    keep = Math.max(keep, uc == null ? 0 : uc.maxLabelDelay().toMillis());
                }
                served.put(l.getEventId(), JoinState.encode(updated));
            }
            // kept as long as its predictions could be, so a redelivered label is still recognised
            expiry.put(expiryKey(now + keep, 'L', l.getEventId()), new byte[0]);
            metrics.consumed(Topics.LABELS);
        } finally {
            MDC.remove("eventId");
        }
    }

    private void vector(Record<String, byte[]> record) {
        FeatureVector v = decode(record, VECTORS, Topics.FEATURE_VECTORS);
        if (v == null) {
            return;
        }
        List<JoinState.Served> known = JoinState.decode(served.get(v.getEventId()));
        if (!known.isEmpty()) {
            served.put(v.getEventId(), JoinState.encode(known.stream().map(s -> s.skewChecked() ? s : joinVector(s, v))
                    .toList()));
        }
        // predictions of other variants may still come: the vector waits for them as long as skew does
        vectors.put(v.getEventId(), record.value());
        expiry.put(expiryKey(clock.millis() + settings.skewWait().toMillis(), 'V', v.getEventId()), new byte[0]);
        metrics.consumed(Topics.FEATURE_VECTORS);
    }

    private JoinState.Served joinLabel(JoinState.Served s, JoinState.Label label, UseCaseSettings uc,
            String eventId) {
        long delay = label.labelTime() - s.servedAt();
        if (uc != null && delay > uc.maxLabelDelay().toMillis()) {
            metrics.expiredLabel();
            return s.asLabelled();
        }
        Map<String, Object> servedValues = new LinkedHashMap<>();
        if (s.features() != null) {
            new java.util.TreeMap<>(s.features().features()).forEach((name, value) -> servedValues.put(name,
                    value.imputed() ? null : value.value()));
        }
        emit(new Observation.Labelled(s.predictionId(), s.useCase(), s.version(), s.variant(),
                Math.max(label.labelTime(), s.servedAt()), s.servedAt(), s.score(), label.label(), s.costValues(),
                eventId, servedValues, s.slices()));
        return s.asLabelled();
    }

    private JoinState.Served joinVector(JoinState.Served s, FeatureVector v) {
        Map<String, String> slices = new LinkedHashMap<>();
        v.getSlices().forEach((k, value) -> slices.put(k.toString(), value.toString()));
        if (s.features() == null) {
            return s.asSkewChecked(false, slices);
        }
        Map<String, Observation.SkewOutcome> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, Observation.Value> e : s.features().features().entrySet()) {
            String name = e.getKey();
            if (!v.getValues().containsKey(name)) {
                continue; // not a feature of the set (e.g. a request field): nothing to compare with
            }
            if (e.getValue().imputed()) {
                outcomes.put(name, Observation.SkewOutcome.IGNORED);
                continue;
            }
            outcomes.put(name, same(e.getValue().value(), v.getValues().get(name)) ? Observation.SkewOutcome.MATCH
                    : Observation.SkewOutcome.MISMATCH);
        }
        emit(new Observation.Skew(s.predictionId(), s.useCase(), s.version(), s.variant(),
                Math.max(s.servedAt(), v.getComputedAt().toEpochMilli()), outcomes));
        return s.asSkewChecked(settings.worstKept() > 0, slices);
    }

    static boolean same(Object servedValue, Object offline) {
        Object a = servedValue instanceof CharSequence cs ? cs.toString() : servedValue;
        Object b = offline instanceof CharSequence cs ? cs.toString() : offline;
        if (a == null || b == null) {
            return a == b;
        }
        if ((a instanceof Number || a instanceof Boolean) && (b instanceof Number || b instanceof Boolean)) {
            double x = a instanceof Boolean ba ? (ba ? 1 : 0) : ((Number) a).doubleValue();
            double y = b instanceof Boolean bb ? (bb ? 1 : 0) : ((Number) b).doubleValue();
            return Math.abs(x - y) <= 1e-6 * Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)));
        }
        return a.equals(b);
    }

    static Observation.Served served(PredictionLogged p) {
        Map<String, Observation.Value> features = new HashMap<>(p.getFeatures().size() * 2);
        for (Map.Entry<String, Object> e : p.getFeatures().entrySet()) {
            FeatureStatus status = p.getFeatureStatuses().get(e.getKey());
            boolean imputed = status == FeatureStatus.IMPUTED || status == FeatureStatus.MISSING;
            Object value = e.getValue() instanceof CharSequence cs ? cs.toString() : e.getValue();
            features.put(e.getKey(), new Observation.Value(value, imputed));
        }
        boolean error = p.getVariant() == Variant.BASELINE || p.getWarnings().stream()
                .map(w -> w.toString().toLowerCase()).anyMatch(w -> w.startsWith("error") || w.startsWith("fallback"));
        return new Observation.Served(p.getPredictionId(), p.getUseCase(), p.getModelVersion(), p.getVariant().name(),
                p.getServedAt().toEpochMilli(), p.getLatencyMicros(), p.getCpuMicros(), p.getScore(), error, features);
    }

    /** The feature values the cost matrix names (e.g. the amount of a missed fraud), kept for late labels. */
    static Map<String, Double> costValues(Observation.Served p, UseCaseSettings uc) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (uc == null) {
            return out;
        }
        for (String name : uc.costMatrix().featureNames()) {
            Observation.Value v = p.features().get(name);
            if (v != null && v.value() instanceof Number n) {
                out.put(name, n.doubleValue());
            }
        }
        return out;
    }

    private void emit(Observation o) {
        context.forward(Routes.to(Routes.OBSERVATION, o.useCase(), ObservationCodec.encode(o), o.time()));
    }

    /** The record's event, or null when it does not decode (then it went to the dead letters). */
    private <T extends SpecificRecord> T decode(Record<String, byte[]> record, EventCodec<T> codec, String topic) {
        try {
            return codec.decode(record.value());
        } catch (RuntimeException e) {
            deadLetter(record, topic, e);
            return null;
        }
    }

    private void deadLetter(Record<String, byte[]> record, String topic, RuntimeException e) {
        LOG.warnf("Refused record on %s to %s: %s", topic, names.dlq(topic), e.getMessage());
        context.forward(Routes.deadLetter(context, record, names.dlq(topic), String.valueOf(e.getMessage()), e));
        metrics.deadLettered(topic, e.getClass().getSimpleName());
    }

    static String expiryKey(long at, char kind, String eventId) {
        return String.format("%020d", Math.max(0, at)) + kind + eventId;
    }

    /** Drops join state whose time is up (wall clock of arrival plus its wait): predictions, labels, vectors. */
    private void sweep(long now) {
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = expiry.range(expiryKey(0, ' ', ""), expiryKey(now, '~', ""))) {
            it.forEachRemaining(e -> done.add(e.key));
        }
        for (String key : done) {
            char kind = key.charAt(20);
            String eventId = key.substring(21);
            switch (kind) {
                case 'P' -> served.delete(eventId);
                case 'L' -> labels.delete(eventId);
                case 'V' -> vectors.delete(eventId);
                case 'S' -> dropServedFeatures(eventId);
                default -> {
                }
            }
            expiry.delete(key);
        }
    }

    /** The vector's wait is over: served features of that event will not be compared any more. */
    private void dropServedFeatures(String eventId) {
        byte[] bytes = served.get(eventId);
        if (bytes != null) {
            List<JoinState.Served> updated = JoinState.decode(bytes).stream()
                    .map(s -> s.features() == null || s.skewChecked() ? s
                            : s.asSkewChecked(settings.worstKept() > 0, s.slices()))
                    .toList();
            served.put(eventId, JoinState.encode(updated));
        }
    }
}
