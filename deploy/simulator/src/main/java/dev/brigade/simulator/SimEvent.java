package dev.brigade.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * One event a simulated producer emits, with the truth its label will later reveal.
 *
 * @param attributes what the producer knows at event time (numbers, booleans, strings), as a raw event carries them
 * @param label the outcome the world decided (fraud 0/1, minutes to deliver): published later, never before
 */
public record SimEvent(String useCase, String source, String eventId, String entityId, Instant eventTime,
        Map<String, Object> attributes, double label) {

    public SimEvent {
        attributes = Map.copyOf(attributes);
    }
}
