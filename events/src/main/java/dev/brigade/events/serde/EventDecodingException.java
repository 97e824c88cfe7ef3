package dev.brigade.events.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The one exception a Brigade decoder throws for bytes it cannot turn into an event. Consumers route the record to
 * {@code <topic>.dlq} with {@link #reason()} and the message; it never stops a partition.
 *
 * <p>Extends Kafka's {@link SerializationException} so clients and SmallRye treat it as a deserialization failure.
 */
public class EventDecodingException extends SerializationException {

    public enum Reason {
        /** Fewer bytes than the single-object header needs. */
        TRUNCATED,
        /** The bytes do not start with the Avro single-object marker C3 01. */
        BAD_MARKER,
        /** The writer schema's fingerprint is not in the contract (a newer producer, or garbage). */
        UNKNOWN_SCHEMA,
        /** A known schema, but of another event type than this topic carries. */
        WRONG_TYPE,
        /** The header is fine but the body does not decode under the writer schema. */
        CORRUPT_BODY
    }

    private final Reason reason;

    /**
     * @param summary what is wrong, for the dead-letter reason
     * @param detail the technical particulars, carried as the cause so that dead-letter records show both
     * @param underlying the decoder's own exception, if any
     */
    public EventDecodingException(Reason reason, String summary, String detail, Throwable underlying) {
        super(reason + ": " + summary, new Detail(detail, underlying));
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The cause of every decoding exception: never without a message. */
    public static final class Detail extends Exception {

        Detail(String message, Throwable underlying) {
            super(message, underlying, false, false);
        }
    }
}
