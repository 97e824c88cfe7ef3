package dev.brigade.feature.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.FeatureValue;
import dev.brigade.feature.HistoryLayout;
import dev.brigade.feature.service.FeatureComputer;
import dev.brigade.platform.kafka.DeadLetterHeaders;

/**
 * For each accepted raw event of the set's source: the features from the entity's events strictly before it, then the
 * event joins the history. The raw-event rules were judged once by the intake gate; here only what depends on the
 * version: late events (behind by more than the set's grace) go to raw-events.dlq with this version named, and
 * duplicates give no second vector. Neither touches the history.
 */
final class FeatureVectorProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger LOG = Logger.getLogger(FeatureVectorProcessor.class);
    private static final EventCodec<RawEvent> RAW_EVENTS = EventCodec.of(RawEvent.class);
    private static final int RECENT_ENTITIES = 20_000;

    private final FeatureSetDefinition set;
    private final Clock clock;
    private final ProcessingListener listener;
    private final Duration retention;
    private final HistoryLayout layout;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> histories;
    /**
     * Decoded histories of recently seen entities, read through to the store. Rebuilt from the store whenever the
     * task is (re)initialised, so it never outlives the state it mirrors (e.g. after an aborted transaction).
     */
    private Map<String, EntityHistory> recent;

    FeatureVectorProcessor(FeatureSetDefinition set, Clock clock, ProcessingListener listener) {
        this.set = set;
        this.clock = clock;
        this.listener = listener;
        this.retention = set.historyRetention();
        this.layout = HistoryLayout.of(set);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.histories = context.getStateStore(FeatureSetTopology.HISTORY_STORE);
        this.recent = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EntityHistory> eldest) {
                return size() > RECENT_ENTITIES;
            }
        };
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            handle(record);
        } finally {
            context.recordMetadata().ifPresent(m -> listener.processed(m.topic(), m.partition(), m.offset()));
        }
    }

    private void handle(Record<String, byte[]> record) {
        RawEvent event;
        try {
            event = RAW_EVENTS.decode(record.value());
        } catch (EventDecodingException e) {
            // The gate forwards only what decoded; anything else written to the topic must not stall the version.
            deadLetter(record, e.getMessage(), e.getCause().getMessage(), "undecodable");
            return;
        }
        if (!set.reads(event.getSource())) {
            return;
        }
        EntityHistory history = recent.computeIfAbsent(event.getEntityId(),
                id -> HistoryStore.read(histories, id, layout));
        if (history.contains(event.getEventId())) {
            // A producer retry of the same event: its vector exists already; counting it twice would skew features.
            listener.outcome("duplicate");
            return;
        }
        Instant newest = history.isEmpty() ? event.getEventTime() : Instant.ofEpochMilli(history.newestMillis());
        if (event.getEventTime().isBefore(newest.minus(set.grace()))) {
            deadLetter(record, "LATE: event time " + event.getEventTime() + " is more than the grace period "
                    + set.grace() + " behind the entity's newest event " + newest,
                    "feature set " + set.id(), "late");
            return;
        }
        Map<String, FeatureValue> features = FeatureComputer.compute(set, history, event.getEventTime(),
                event.getAttributes());
        HistoryStore.add(histories, event.getEntityId(), event.getEventId(), event.getEventTime(),
                event.getAttributes(), layout);
        Instant newestNow = event.getEventTime().isAfter(newest) ? event.getEventTime() : newest;
        Instant cutoff = newestNow.minus(retention);
        HistoryStore.pruneBefore(histories, event.getEntityId(), history, cutoff);
        recent.put(event.getEntityId(), history.with(event.getEventId(), event.getEventTime(), event.getAttributes(),
                cutoff));
        byte[] vector = FeatureVectorWriter.write(set, event, features, clock.instant());
        context.forward(new Record<>(event.getEventId(), vector, record.timestamp()),
                FeatureSetTopology.VECTORS_SINK);
        listener.outcome("vector");
        listener.vector(features, event.getEventTime());
    }

    private void deadLetter(Record<String, byte[]> record, String reason, String cause, String outcome) {
        LOG.debugf("Dead letter from raw-events.accepted: %s", reason);
        context.forward(record.withHeaders(DeadLetterHeaders.forRecord(context, record.headers(), reason, cause)),
                FeatureSetTopology.DEAD_LETTER_SINK);
        listener.outcome("dead-letter:" + outcome);
    }
}
