package dev.brigade.registry.rest;

import java.util.Optional;
import java.util.Set;

import dev.brigade.registry.ActiveInstance;
import dev.brigade.registry.config.RegistryConfig;

/**
 * What an instance does with a request, given its role: reads and the active's writes are answered here; a
 * standby's write goes to the active instance (forwarded, or a 307 to it), or, with no other active known, is a 503
 * to retry. Pure, so the rules are tested without a server.
 */
public final class StandbyWrites {

    /** Set on a forwarded request: an instance that is not active either answers 503 rather than forward again. */
    public static final String FORWARDED_BY = "X-Brigade-Forwarded-By";
    /** Set on the answer to a forwarded request: the active instance that answered it. */
    public static final String FORWARDED_TO = "X-Brigade-Forwarded-To";

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    public enum Kind {
        LOCAL, FORWARD, REDIRECT, UNAVAILABLE
    }

    /** @param target the active's URL with the request's path and query (FORWARD, REDIRECT); why (UNAVAILABLE) */
    public record Decision(Kind kind, String target, String why) {

        static Decision local() {
            return new Decision(Kind.LOCAL, null, null);
        }
    }

    private StandbyWrites() {
    }

    /**
     * @param uri the request's path and query as received
     * @param active whether this instance is the active one now
     * @param elsewhere the active instance, when it is another one
     * @param forwarded whether the request was already forwarded by another instance
     */
    public static Decision decide(String method, String path, String uri, boolean active,
            Optional<ActiveInstance> elsewhere, boolean forwarded, RegistryConfig.Leader.StandbyWrites mode) {
        if (!WRITES.contains(method) || !(path.equals("/v1") || path.startsWith("/v1/")) || active) {
            return Decision.local();
        }
        if (forwarded) {
            return new Decision(Kind.UNAVAILABLE, null, "this registry instance received a forwarded write but is not "
                    + "the active one either (a takeover is under way); retry");
        }
        if (elsewhere.isEmpty()) {
            return new Decision(Kind.UNAVAILABLE, null, "no active registry instance is known (a takeover is under "
                    + "way or the active one has not announced itself yet); retry");
        }
        String target = elsewhere.get().url() + uri;
        return new Decision(mode == RegistryConfig.Leader.StandbyWrites.REDIRECT ? Kind.REDIRECT : Kind.FORWARD,
                target, null);
    }
}
