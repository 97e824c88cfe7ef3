package dev.brigade.events.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for one event type of the contract. The type comes from the constructor, or from the config
 * key {@value #VALUE_TYPE_CONFIG} (fully qualified class name) when Kafka or SmallRye instantiates it by name.
 * Undecodable bytes raise {@link EventDecodingException}; a null value (a tombstone) stays null.
 */
public class AvroEventDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    public static final String VALUE_TYPE_CONFIG = "brigade.value.type";
    public static final String KEY_TYPE_CONFIG = "brigade.key.type";

    private EventCodec<T> codec;

    public AvroEventDeserializer() {
    }

    public AvroEventDeserializer(Class<T> type) {
        this.codec = EventCodec.of(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (codec != null) {
            return;
        }
        String key = isKey ? KEY_TYPE_CONFIG : VALUE_TYPE_CONFIG;
        Object typeName = configs.get(key);
        if (typeName == null) {
            throw new ConfigException(key, null, "the event type this deserializer reads is required");
        }
        try {
            Class<?> type = Class.forName(typeName.toString().trim(), true, AvroEventDeserializer.class.getClassLoader());
            codec = EventCodec.of((Class<T>) type.asSubclass(SpecificRecord.class));
        } catch (ClassNotFoundException | ClassCastException | IllegalArgumentException e) {
            throw new ConfigException(key, typeName, "not an event type of the Brigade contract: " + e.getMessage());
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (codec == null) {
            throw new IllegalStateException("AvroEventDeserializer used before configure()");
        }
        return codec.decode(data);
    }
}
