package dev.brigade.feature.streams;

import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.feature.RawEventRules;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.kafka.DeadLetterHeaders;

/** Judges each raw event once for all versions: unchanged to raw-events.accepted, or to raw-events.dlq saying why. */
final class RawEventGateProcessor implements Processor<String, byte[], String, byte[]> {

    private static final EventCodec<RawEvent> RAW_EVENTS = EventCodec.of(RawEvent.class);

    private final Clock clock;
    private final ProcessingListener listener;
    private ProcessorContext<String, byte[]> context;

    RawEventGateProcessor(Clock clock, ProcessingListener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            RawEvent event = RAW_EVENTS.decode(record.value());
            List<FieldError> errors = RawEventRules.check(event.getEventId(), event.getSource(),
                    event.getEntityId(), event.getEventTime(), event.getAttributes(), clock.instant());
            if (errors.isEmpty()) {
                context.forward(record, IntakeTopology.RAW_ACCEPTED);
                listener.outcome("raw-event");
            } else {
                deadLetter(record, "INVALID: " + errors.stream().map(e -> e.field() + " " + e.message())
                        .collect(Collectors.joining("; ")), "event " + event.getEventId(), "invalid");
            }
        } catch (EventDecodingException e) {
            deadLetter(record, e.getMessage(), e.getCause().getMessage(), "undecodable");
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason, String cause, String outcome) {
        context.forward(record.withHeaders(DeadLetterHeaders.forRecord(context, record.headers(), reason, cause)),
                IntakeTopology.RAW_DEAD_LETTERS);
        listener.outcome("dead-letter:" + outcome);
    }
}
