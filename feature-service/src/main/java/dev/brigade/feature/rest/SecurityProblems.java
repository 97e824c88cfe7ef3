package dev.brigade.feature.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * 401 and 403 as problem bodies. Authentication is lazy (quarkus.http.auth.proactive=false), so these failures reach
 * the REST layer and get a body, and the open endpoints (intake, look-ups) never authenticate.
 */
public class SecurityProblems {

    /** Registers feature-set versions: each one replays raw-events and feeds training with new vectors. */
    public static final String REGISTRAR = "registrar";

    static final String CHALLENGE = "Basic realm=\"brigade-features\"";

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e) {
        return Response.fromResponse(Problem.response(401, "authenticate to register a feature-set version (HTTP Basic"
                + " locally, a bearer token in production)")).header("WWW-Authenticate", CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(403, "your account lacks the role this needs (" + REGISTRAR + ")");
    }
}
