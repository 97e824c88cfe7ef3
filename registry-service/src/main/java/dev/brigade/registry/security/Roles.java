package dev.brigade.registry.security;

/**
 * The roles the registry checks. The identity provider decides who has them: embedded users locally (HTTP
 * Basic), OIDC bearer tokens in production; the code only asks for the role.
 */
public final class Roles {

    /** Registers use cases and model versions (people, and training-service's account). */
    public static final String REGISTRAR = "registrar";

    /** Approves a gated version for canary and champion. */
    public static final String APPROVER = "approver";

    /** Moves aliases, rolls back and archives. */
    public static final String DEPLOYER = "deployer";

    private Roles() {
    }
}
