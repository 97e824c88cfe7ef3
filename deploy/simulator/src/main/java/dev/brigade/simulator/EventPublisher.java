package dev.brigade.simulator;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.brigade.events.LabelEvent;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.AvroEventSerializer;
import dev.brigade.events.topics.Topics;

/** Publishes like the real producers: Avro raw events keyed by entity, labels keyed by event id, idempotently. */
final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;
    private final String rawEvents;
    private final String labels;

    /**
     * @param security the login to a secured cluster (security.protocol, sasl.*, ssl.*); empty for plaintext
     * @param topicPrefix the install prefix of raw-events and labels (BRIGADE_TOPIC_PREFIX)
     */
    EventPublisher(String bootstrapServers, Map<String, String> security, String topicPrefix) {
        this.rawEvents = topicPrefix + Topics.RAW_EVENTS;
        this.labels = topicPrefix + Topics.LABELS;
        Properties props = new Properties();
        props.putAll(security);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "brigade-simulator");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new AvroEventSerializer<>());
    }

    /** Sends the raw event; the callback counts failures (the producer retries on its own until delivery.timeout). */
    void raw(SimEvent event, Runnable onFailure) {
        Map<String, Object> attributes = new HashMap<>(event.attributes());
        RawEvent raw = RawEvent.newBuilder().setEventId(event.eventId()).setSource(event.source())
                .setEntityId(event.entityId()).setEventTime(event.eventTime()).setAttributes(attributes)
                .build();
        producer.send(new ProducerRecord<>(rawEvents, event.entityId(), raw), (metadata, error) -> {
            if (error != null) {
                onFailure.run();
            }
        });
    }

    void label(SimEvent event, Instant labelTime, Runnable onFailure) {
        LabelEvent label = LabelEvent.newBuilder().setEventId(event.eventId()).setEntityId(event.entityId())
                .setLabel(event.label()).setLabelTime(labelTime).setUseCase(event.useCase()).build();
        producer.send(new ProducerRecord<>(labels, event.eventId(), label), (metadata, error) -> {
            if (error != null) {
                onFailure.run();
            }
        });
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
