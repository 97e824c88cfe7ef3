package dev.brigade.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import dev.brigade.simulator.SimEvent;
import dev.brigade.simulator.World;

/**
 * Past business for a simulated world, published as its producers would have: Avro raw events keyed by entity in
 * event-time order, then each event's label a little later. Used to give the kitchen something to learn from.
 */
final class History {

    private History() {
    }

    /** n events spaced evenly over the span that ends a minute ago; labels arrive labelDelay after their event. */
    static List<SimEvent> publish(String bootstrapServers, World world, int n, Duration span, Duration labelDelay) {
        Instant end = Instant.now().minusSeconds(60);
        Instant start = end.minus(span);
        long stepMillis = span.toMillis() / n;
        List<SimEvent> events = new ArrayList<>(n);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroEventSerializer<>())) {
            for (int i = 0; i < n; i++) {
                SimEvent e = world.next(start.plusMillis(i * stepMillis));
                events.add(e);
                producer.send(new ProducerRecord<>(Topics.RAW_EVENTS, e.entityId(), RawEvent.newBuilder()
                        .setEventId(e.eventId()).setSource(e.source()).setEntityId(e.entityId())
                        .setEventTime(e.eventTime()).setAttributes(new java.util.HashMap<>(e.attributes())).build()));
            }
            Instant now = Instant.now();
            for (SimEvent e : events) {
                Instant labelTime = e.eventTime().plus(labelDelay);
                producer.send(new ProducerRecord<>(Topics.LABELS, e.eventId(), LabelEvent.newBuilder()
                        .setEventId(e.eventId()).setEntityId(e.entityId()).setLabel(e.label())
                        .setLabelTime(labelTime.isAfter(now) ? now : labelTime).setUseCase(e.useCase()).build()));
            }
            producer.flush();
        }
        return events;
    }
}
