package dev.brigade.platform.kafka;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.errors.AuthorizationException;

/**
 * What the broker refused this station, by resource (a topic, a Streams app id). A refused read is never skipped
 * silently: while any refusal stands the station reports itself not ready ({@link KafkaAuthorizationCheck}), so an
 * ACL that is missing or wrong shows on /q/health/ready and in the orchestrator, not as missing data.
 */
public final class AuthorizationFailures {

    /** One refusal: what the broker said and when it first said it. */
    public record Refusal(String error, Instant since) {
    }

    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

    /** @return true the first time this resource is refused (so callers log it once, not every retry) */
    public boolean refused(String resource, AuthorizationException error) {
        return refusals.putIfAbsent(resource, new Refusal(error.getClass().getSimpleName() + ": " + error.getMessage(),
                Instant.now())) == null;
    }

    /** The resource was read or written since: an ACL added meanwhile makes the station ready again. */
    public void granted(String resource) {
        refusals.remove(resource);
    }

    public Map<String, Refusal> current() {
        return Map.copyOf(refusals);
    }

    /** The authorization error in a cause chain (Streams and SmallRye wrap it), or null. */
    public static AuthorizationException find(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthorizationException authorization) {
                return authorization;
            }
        }
        return null;
    }
}
