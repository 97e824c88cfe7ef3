package dev.brigade.feature.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.RawEventRules;
import dev.brigade.platform.kafka.DeadLetterHeaders;
import dev.brigade.platform.kafka.TopicNames;

/**
 * Joins each label to the feature vectors of its event id, whichever arrives first, into one training example per
 * feature-set version. Labels only ever become the example's label: they never feed a feature.
 *
 * <p>Duplicate labels: the first label to arrive wins (examples are immutable once written, so a run stays
 * reproducible); later ones go to labels.dlq as DUPLICATE. A label that finds no vector within the maximum label
 * delay goes to labels.dlq as UNKNOWN_EVENT; one that arrives later than the delay after its event, as EXPIRED.
 */
final class LabelJoinProcessor implements Processor<String, byte[], String, byte[]> {

    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);
    private static final EventCodec<LabelEvent> LABELS = EventCodec.of(LabelEvent.class);
    private static final EventCodec<TrainingExample> EXAMPLES = EventCodec.of(TrainingExample.class);

    private static final Duration SWEEP_STEP = Duration.ofSeconds(1);

    private final IntakeTopology.Settings settings;
    private final Clock clock;
    private final ProcessingListener listener;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> states;
    /** Where the pass under way goes on (inclusive), or null when no pass is under way. */
    private String sweepFrom;
    private long passStartedAt = Long.MIN_VALUE;
    /** The install's labels topic: the other source is feature-vectors, and a pending label's dead letter names it. */
    private final String labels;

    LabelJoinProcessor(TopicNames names, IntakeTopology.Settings settings, Clock clock, ProcessingListener listener) {
        this.labels = names.topic(Topics.LABELS);
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.states = context.getStateStore(IntakeTopology.JOIN_STORE);
        // A sweep goes through the whole join state; done in one go it held the stream thread (and the CPU the
        // service's look-ups share) for as long as the store is large. So each punctuation sweeps for at most a
        // slice (5 ms) and the next one goes on from there; a new pass starts a sweep interval after the last.
        context.schedule(SWEEP_STEP.compareTo(settings.sweepInterval()) < 0 ? SWEEP_STEP : settings.sweepInterval(),
                PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        if (labels.equals(topic)) {
            onLabel(record);
        } else {
            onVector(record);
        }
    }

    private void onVector(Record<String, byte[]> record) {
        FeatureVector vector;
        try {
            vector = VECTORS.decode(record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, e.getMessage(), e.getCause().getMessage(), IntakeTopology.VECTOR_DEAD_LETTERS);
            return;
        }
        JoinState state = stateOf(vector.getEventId());
        state.putVector(vector);
        if (state.label != null) {
            if (isExpired(state.label, vector)) {
                // The label was waiting for an event older than the delay allows: it can never join.
                deadLetterPendingLabel(state, expiredReason(state.label, vector));
                state.label = null;
            } else {
                emitExamples(state);
            }
        }
        states.put(vector.getEventId(), JoinState.encode(state));
    }

    private void onLabel(Record<String, byte[]> record) {
        LabelEvent label;
        try {
            label = LABELS.decode(record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, e.getMessage(), e.getCause().getMessage(), IntakeTopology.LABEL_DEAD_LETTERS);
            return;
        }
        String invalid = invalid(label);
        if (invalid != null) {
            deadLetter(record, "INVALID: " + invalid, "label for event " + label.getEventId(),
                    IntakeTopology.LABEL_DEAD_LETTERS);
            return;
        }
        JoinState state = stateOf(label.getEventId());
        if (state.label != null) {
            deadLetter(record, "DUPLICATE: event " + label.getEventId() + " already has label "
                    + state.label.getLabel() + " from " + state.label.getLabelTime() + "; the first label wins",
                    "duplicate label", IntakeTopology.LABEL_DEAD_LETTERS);
            return;
        }
        if (!state.vectors.isEmpty() && isExpired(label, state.vectors.get(0))) {
            deadLetter(record, expiredReason(label, state.vectors.get(0)), "label too late",
                    IntakeTopology.LABEL_DEAD_LETTERS);
            return;
        }
        state.label = label;
        state.labelArrivedAt = clock.millis();
        context.recordMetadata().ifPresent(m -> {
            state.labelPartition = m.partition();
            state.labelOffset = m.offset();
        });
        emitExamples(state);
        states.put(label.getEventId(), JoinState.encode(state));
    }

    private void emitExamples(JoinState state) {
        for (FeatureVector vector : state.vectors) {
            if (state.emitted.add(JoinState.versionOf(vector))) {
                TrainingExample example = TrainingExample.newBuilder()
                        .setEventId(vector.getEventId())
                        .setEntityId(vector.getEntityId())
                        .setEventTime(vector.getEventTime())
                        .setLabelTime(state.label.getLabelTime())
                        .setFeatureSet(vector.getFeatureSet())
                        .setFeatureSetVersion(vector.getFeatureSetVersion())
                        .setFeatures(vector.getValues())
                        .setSlices(vector.getSlices())
                        .setLabel(state.label.getLabel())
                        .setUseCase(state.label.getUseCase())
                        .build();
                context.forward(new Record<>(vector.getEventId(), EXAMPLES.encode(example), clock.millis()),
                        IntakeTopology.EXAMPLES_SINK);
                listener.outcome("example");
                listener.example(example.getFeatureSet(), example.getFeatureSetVersion(), example.getLabel());
            }
        }
    }

    /** Labels that never met their event, and state nobody can join any more, leave the store. */
    private void sweep() {
        long now = clock.millis();
        if (sweepFrom == null) {
            if (passStartedAt != Long.MIN_VALUE && now - passStartedAt < settings.sweepInterval().toMillis()) {
                return;
            }
            passStartedAt = now;
        }
        long maxDelay = settings.maxLabelDelay().toMillis();
        long deadline = System.nanoTime() + settings.sweepSlice().toNanos();
        List<String> done = new ArrayList<>();
        String resumeAt = null;
        try (KeyValueIterator<String, byte[]> all = sweepFrom == null ? states.all()
                : states.range(sweepFrom, null)) {
            int seen = 0;
            while (all.hasNext()) {
                if (++seen % 32 == 0 && System.nanoTime() > deadline) {
                    resumeAt = all.peekNextKey();
                    break;
                }
                KeyValue<String, byte[]> entry = all.next();
                JoinState.Timing timing = JoinState.timing(entry.value);
                if (timing.vectors() == 0) {
                    if (timing.labelled() && now - timing.labelArrivedAt() > maxDelay) {
                        deadLetterPendingLabel(JoinState.decode(entry.value), "UNKNOWN_EVENT: no feature vector for "
                                + "event " + entry.key + " arrived within the maximum label delay "
                                + settings.maxLabelDelay());
                        done.add(entry.key);
                    }
                } else if (now - timing.eventMillis() > 2 * maxDelay) {
                    // Twice the delay: a label can no longer join, and a late vector of another version has had time.
                    done.add(entry.key);
                }
            }
        }
        sweepFrom = resumeAt;
        done.forEach(states::delete);
    }

    private void deadLetterPendingLabel(JoinState state, String reason) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, reason);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.CAUSE, "label joined no feature vector");
        DeadLetterHeaders.source(headers, labels, state.labelPartition, state.labelOffset);
        context.forward(new Record<>(state.label.getEventId(), LABELS.encode(state.label), clock.millis(), headers),
                IntakeTopology.LABEL_DEAD_LETTERS);
        listener.outcome("dead-letter:label");
    }

    private void deadLetter(Record<String, byte[]> record, String reason, String cause, String sink) {
        context.forward(record.withHeaders(DeadLetterHeaders.forRecord(context, record.headers(), reason, cause)),
                sink);
        listener.outcome(sink.equals(IntakeTopology.LABEL_DEAD_LETTERS) ? "dead-letter:label" : "dead-letter:vector");
    }

    private boolean isExpired(LabelEvent label, FeatureVector vector) {
        return Duration.between(vector.getEventTime(), label.getLabelTime()).compareTo(settings.maxLabelDelay()) > 0;
    }

    private String expiredReason(LabelEvent label, FeatureVector vector) {
        return "EXPIRED: label time " + label.getLabelTime() + " is more than the maximum label delay "
                + settings.maxLabelDelay() + " after the event at " + vector.getEventTime();
    }

    private JoinState stateOf(String eventId) {
        byte[] state = states.get(eventId);
        return state == null ? new JoinState() : JoinState.decode(state);
    }

    private String invalid(LabelEvent label) {
        if (!RawEventRules.isId(label.getEventId())) {
            return "eventId is not a valid event id";
        }
        if (!Double.isFinite(label.getLabel())) {
            return "label must be a finite number, got " + label.getLabel();
        }
        if (label.getLabelTime().isAfter(Instant.ofEpochMilli(clock.millis()).plus(RawEventRules.MAX_FUTURE_SKEW))) {
            return "labelTime is in the future";
        }
        return null;
    }
}
