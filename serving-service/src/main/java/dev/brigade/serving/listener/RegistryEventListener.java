package dev.brigade.serving.listener;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.RegistryEvent;
import dev.brigade.events.topics.Topics;
import dev.brigade.serving.config.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumes {@value Topics#REGISTRY_EVENTS}. A record that does not decode never reaches this method: the
 * channel sends it to the topic's dead-letter twin with the reason and moves on (see application.properties).
 * Skeleton of the station's input: model loading and hot swap (issue 6) builds on it.
 */
@ApplicationScoped
public class RegistryEventListener {

    private static final Logger LOG = Logger.getLogger(RegistryEventListener.class);

    private final Counter consumed;

    RegistryEventListener(MeterRegistry registry) {
        this.consumed = Counter.builder("brigade.events.consumed")
                .description("Events consumed and processed, by topic")
                .tag("topic", Topics.REGISTRY_EVENTS)
                .register(registry);
    }

    @Incoming(Channels.REGISTRY_EVENTS)
    public void onRegistryEvent(RegistryEvent event) {
        MDC.put("eventId", event.getEventId());
        try {
            LOG.debugf("Consumed registry event %s", event.getEventId());
            consumed.increment();
        } finally {
            MDC.remove("eventId");
        }
    }
}
