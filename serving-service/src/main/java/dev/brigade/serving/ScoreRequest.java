package dev.brigade.serving;

import java.util.Map;

/** A request to score one event: its id (the key the label will join on), the entity, the event's attributes. */
public record ScoreRequest(String eventId, String entityId, Map<String, Object> attributes) {
}
