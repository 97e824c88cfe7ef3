package dev.brigade.platform.kafka;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the broker refuses this station a topic, group or transactional id it needs. */
@Readiness
@ApplicationScoped
public class KafkaAuthorizationCheck implements HealthCheck {

    private final KafkaClients clients;

    KafkaAuthorizationCheck(KafkaClients clients) {
        this.clients = clients;
    }

    @Override
    public HealthCheckResponse call() {
        var refusals = clients.authorizationFailures().current();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka authorization").status(refusals.isEmpty());
        refusals.forEach((resource, refusal) -> response.withData(resource, refusal.error() + " (since "
                + refusal.since() + ")"));
        return response.build();
    }
}
