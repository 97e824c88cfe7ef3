package dev.brigade.feature;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An entity's event as the feature computation sees it. Attribute values may be null. */
public record PastEvent(String eventId, Instant time, Map<String, Object> attributes) {

    public PastEvent {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
