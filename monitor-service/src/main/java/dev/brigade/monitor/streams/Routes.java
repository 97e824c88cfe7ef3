package dev.brigade.monitor.streams;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import dev.brigade.platform.kafka.DeadLetterHeaders;

/**
 * Where a processor's output goes: a header names the target (an observation for the window stage, or a topic),
 * so one processor feeds several sinks inside the same exactly-once transaction.
 */
public final class Routes {

    public static final String HEADER = "brigade-route";
    public static final String OBSERVATION = "observation";

    /** First byte of every value a processor forwards: observations are marked, everything else goes to a topic. */
    static final byte OBSERVATION_MARK = 'O';
    static final byte TOPIC_MARK = 'T';

    private Routes() {
    }

    public static Record<String, byte[]> to(String target, String key, byte[] value, long timestamp) {
        Headers headers = new RecordHeaders();
        headers.add(HEADER, target.getBytes(StandardCharsets.UTF_8));
        return new Record<>(key, mark(OBSERVATION.equals(target) ? OBSERVATION_MARK : TOPIC_MARK, value), timestamp,
                headers);
    }

    private static byte[] mark(byte mark, byte[] value) {
        byte[] out = new byte[value.length + 1];
        out[0] = mark;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    static byte[] strip(byte[] marked) {
        return java.util.Arrays.copyOfRange(marked, 1, marked.length);
    }

    /** The sink topic of a forwarded record, from its route header. */
    static org.apache.kafka.streams.processor.TopicNameExtractor<String, byte[]> extractor() {
        return (key, value, context) -> target(context.headers());
    }

    public static String target(Headers headers) {
        Header h = headers.lastHeader(HEADER);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The original bytes to {@code <topic>.dlq} with where they came from and why (platform's headers). */
    public static Record<String, byte[]> deadLetter(ProcessorContext<?, ?> context, Record<String, byte[]> source,
            String dlqTopic, String reason, Throwable cause) {
        Headers headers = DeadLetterHeaders.forRecord(context, source.headers(), reason,
                cause == null ? "" : cause.getClass().getName() + ": " + cause.getMessage());
        DeadLetterHeaders.put(headers, HEADER, dlqTopic);
        return new Record<>(source.key(), mark(TOPIC_MARK, source.value()), source.timestamp(), headers);
    }
}
