package dev.brigade.platform.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/** The headers of every {@code <topic>.dlq} record, SmallRye's names, so one tool reads every dead letter. */
public final class DeadLetterHeaders {

    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String DECODE_CAUSE = "deserialization-failure-cause";
    public static final String EXCEPTION_CLASS = "dead-letter-exception-class-name";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private DeadLetterHeaders() {
    }

    /** Sets one header (replacing an earlier one of the name); null is written as empty. */
    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }

    /** The last header of the name as text, or null. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Where a record came from, as the three source headers. */
    public static void source(Headers headers, String topic, int partition, long offset) {
        put(headers, TOPIC, topic);
        put(headers, PARTITION, Integer.toString(partition));
        put(headers, OFFSET, Long.toString(offset));
    }

    /**
     * The headers of a dead letter written by a Streams processor, inside its exactly-once transaction: the source
     * record's headers, the reason and cause, and where the record came from.
     */
    public static Headers forRecord(ProcessorContext<?, ?> context, Headers source, String reason, String cause) {
        Headers headers = new RecordHeaders(source.toArray());
        put(headers, REASON, reason);
        put(headers, CAUSE, cause);
        context.recordMetadata().ifPresent(meta -> source(headers, meta.topic(), meta.partition(), meta.offset()));
        return headers;
    }
}
