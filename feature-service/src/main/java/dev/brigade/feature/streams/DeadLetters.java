package dev.brigade.feature.streams;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Dead-letter records written by the topologies, inside their exactly-once transactions. Same header names as the
 * SmallRye channels of the other services, so one tool reads every {@code <topic>.dlq}.
 */
public final class DeadLetters {

    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private DeadLetters() {
    }

    /** The original key and bytes, with where they came from and why they were refused. */
    public static Record<String, byte[]> of(ProcessorContext<?, ?> context, Record<String, byte[]> source,
            String reason, String cause) {
        Headers headers = new RecordHeaders(source.headers().toArray());
        put(headers, REASON, reason);
        put(headers, CAUSE, cause);
        context.recordMetadata().ifPresent(meta -> {
            put(headers, TOPIC, meta.topic());
            put(headers, PARTITION, Integer.toString(meta.partition()));
            put(headers, OFFSET, Long.toString(meta.offset()));
        });
        return new Record<>(source.key(), source.value(), source.timestamp(), headers);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}
