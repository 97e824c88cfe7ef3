package dev.brigade.feature.listener;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.RawEvent;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.config.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumes {@value Topics#RAW_EVENTS}. A record that does not decode never reaches this method: the
 * channel sends it to the topic's dead-letter twin with the reason and moves on (see application.properties).
 * Skeleton of the station's input: point-in-time feature computation (issue 3) builds on it.
 */
@ApplicationScoped
public class RawEventListener {

    private static final Logger LOG = Logger.getLogger(RawEventListener.class);

    private final Counter consumed;

    RawEventListener(MeterRegistry registry) {
        this.consumed = Counter.builder("brigade.events.consumed")
                .description("Events consumed and processed, by topic")
                .tag("topic", Topics.RAW_EVENTS)
                .register(registry);
    }

    @Incoming(Channels.RAW_EVENTS)
    public void onRawEvent(RawEvent event) {
        MDC.put("eventId", event.getEventId());
        try {
            LOG.debugf("Consumed raw event %s", event.getEventId());
            consumed.increment();
        } finally {
            MDC.remove("eventId");
        }
    }
}
