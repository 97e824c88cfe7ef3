package dev.brigade.monitor.listener;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.brigade.events.PredictionLogged;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.config.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumes {@value Topics#PREDICTIONS}. A record that does not decode never reaches this method: the
 * channel sends it to the topic's dead-letter twin with the reason and moves on (see application.properties).
 * Skeleton of the station's input: windowed drift and performance statistics (issue 7) builds on it.
 */
@ApplicationScoped
public class PredictionListener {

    private static final Logger LOG = Logger.getLogger(PredictionListener.class);

    private final Counter consumed;

    PredictionListener(MeterRegistry registry) {
        this.consumed = Counter.builder("brigade.events.consumed")
                .description("Events consumed and processed, by topic")
                .tag("topic", Topics.PREDICTIONS)
                .register(registry);
    }

    @Incoming(Channels.PREDICTIONS)
    public void onPredictionLogged(PredictionLogged event) {
        MDC.put("eventId", event.getPredictionId());
        try {
            LOG.debugf("Consumed prediction %s", event.getPredictionId());
            consumed.increment();
        } finally {
            MDC.remove("eventId");
        }
    }
}
