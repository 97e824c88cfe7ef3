package dev.brigade.serving.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.brigade.events.AlertAction;
import dev.brigade.events.AlertEvent;
import dev.brigade.events.AlertRaised;
import dev.brigade.events.Severity;
import dev.brigade.serving.config.Channels;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Raises alerts on the alerts topic (key use case): here, a model version that could not be loaded. */
@ApplicationScoped
public class AlertPublisher {

    static final String RULE_MODEL_LOAD = "serving-model-load-failed";

    private static final Logger LOG = Logger.getLogger(AlertPublisher.class);

    private final MutinyEmitter<AlertEvent> emitter;

    AlertPublisher(@Channel(Channels.ALERTS) MutinyEmitter<AlertEvent> emitter) {
        this.emitter = emitter;
    }

    /**
     * @param nothingServing true when no model of the use case serves at all (a page), false when the last good
     *        model keeps serving (a ticket)
     */
    public void modelLoadFailed(String useCase, int version, String owner, String reason, boolean nothingServing,
            String servingNow) {
        String playbook = "Serving could not load v" + version + " of " + useCase + " (" + reason + "). "
                + (nothingServing ? "Nothing serves this use case: requests answer 503. "
                        : "The last good model keeps serving (" + servingNow + "). ")
                + "Check that the registry serves GET /v1/artifacts/<sha256> and that the artifact decodes "
                + "(brigade-model); roll back or register a fixed version.";
        AlertEvent event = AlertEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setAlertId("serving-load-" + useCase + "-v" + version)
                .setUseCase(useCase)
                .setOccurredAt(Instant.now())
                .setRule(RULE_MODEL_LOAD)
                .setSeverity(nothingServing ? Severity.PAGE : Severity.TICKET)
                .setOwner(owner)
                .setPlaybook(playbook)
                .setAction(nothingServing ? AlertAction.PAGE : AlertAction.TICKET)
                .setPayload(AlertRaised.newBuilder().setMetric("model_load_failures").setValue(1.0)
                        .setThreshold(0.0).setModelVersion(version).setMessage(reason).build())
                .build();
        emitter.sendMessage(Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(useCase).build()))
                .subscribe().with(sent -> { }, failure -> LOG.errorf(failure,
                        "Alert %s for %s v%d (%s) not sent or not acknowledged by Kafka", event.getEventId(), useCase,
                        version, reason));
    }
}
