package dev.brigade.monitor.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.monitor.config.MonitorConfig;

/**
 * The page action: a JSON POST to the configured webhook (Slack, PagerDuty Events, Opsgenie and most chat tools
 * accept one), with the alert's event id as Idempotency-Key so a redelivered alert is recognisable; retried a few
 * times with backoff. Without a webhook the page goes to the log only.
 */
@ApplicationScoped
public class Pager {

    private static final Logger LOG = Logger.getLogger(Pager.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MonitorConfig.Webhook config;
    private final HttpClient http;

    Pager(MonitorConfig config) {
        this.config = config.webhook();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    }

    public boolean configured() {
        return config.url().filter(u -> !u.isBlank()).isPresent();
    }

    /** @return true when the webhook acknowledged (2xx) */
    public boolean page(String idempotencyKey, Object body) throws InterruptedException {
        if (!configured()) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        long backoff = 200;
        for (int attempt = 1; attempt <= Math.max(1, config.attempts()); attempt++) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(config.url().orElseThrow()))
                        .timeout(config.timeout()).header("Content-Type", "application/json")
                        .header("Idempotency-Key", idempotencyKey)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return true;
                }
                LOG.warnf("Webhook answered %d to %s (attempt %d)", response.statusCode(), idempotencyKey, attempt);
            } catch (java.io.IOException e) {
                LOG.warnf("Webhook unreachable for %s (attempt %d): %s", idempotencyKey, attempt, e.getMessage());
            }
            Thread.sleep(backoff);
            backoff *= 4;
        }
        return false;
    }
}
