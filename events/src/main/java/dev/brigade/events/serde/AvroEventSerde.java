package dev.brigade.events.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka Streams Serde for one event type of the contract. */
public final class AvroEventSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroEventSerializer<T> serializer = new AvroEventSerializer<>();
    private final AvroEventDeserializer<T> deserializer;

    private AvroEventSerde(Class<T> type) {
        this.deserializer = new AvroEventDeserializer<>(type);
    }

    public static <T extends SpecificRecord> AvroEventSerde<T> of(Class<T> type) {
        return new AvroEventSerde<>(type);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
