package dev.brigade.training.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import dev.brigade.platform.kafka.signing.SigningKeys;
import io.quarkus.runtime.StartupEvent;

/**
 * Training reads no registry-events (it asks the registry over HTTP), so it verifies no signature today. Deployments
 * hand it the registry's certificates like every reader (BRIGADE_SIGNING_TRUSTED_CERTS); when given, they are read
 * first thing at start, so a wrong path stops training in one line naming the variable, as it stops a reader, and
 * not later when a reader of the topic is added here.
 */
@ApplicationScoped
class SigningCheck {

    private final SigningKeys keys;

    SigningCheck(SigningKeys keys) {
        this.keys = keys;
    }

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start) {
        keys.verifierIfConfigured();
    }
}
