package dev.brigade.events.serde;

import java.nio.charset.StandardCharsets;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value serializer for {@code <topic>.dlq}. A record that failed to decode arrives as its original bytes and is
 * kept byte for byte, so it can be inspected and replayed; an event that decoded but failed processing is written
 * back in the contract's encoding.
 */
public class DeadLetterSerializer implements Serializer<Object> {

    private final AvroEventSerializer<SpecificRecord> events = new AvroEventSerializer<>();

    @Override
    public byte[] serialize(String topic, Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof SpecificRecord event) {
            return events.serialize(topic, event);
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }
}
