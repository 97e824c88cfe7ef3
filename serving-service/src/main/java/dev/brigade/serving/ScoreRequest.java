package dev.brigade.serving;

import java.time.Instant;
import java.util.Map;

/**
 * A request to score one event: its id (the key the label will join on), the entity, the event's attributes, and
 * optionally the event's time (features as of then, as the offline vector of that event; null: as of now).
 */
public record ScoreRequest(String eventId, String entityId, Map<String, Object> attributes, Instant eventTime) {

    public ScoreRequest(String eventId, String entityId, Map<String, Object> attributes) {
        this(eventId, entityId, attributes, null);
    }
}
