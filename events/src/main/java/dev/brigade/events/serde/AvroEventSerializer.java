package dev.brigade.events.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer for any event type of the contract, in Avro single-object encoding. */
public class AvroEventSerializer<T extends SpecificRecord> implements Serializer<T> {

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, T event) {
        if (event == null) {
            return null;
        }
        try {
            return EventCodec.of((Class<T>) event.getClass()).encode(event);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("Cannot write to " + topic + ": " + e.getMessage(), e);
        }
    }
}
