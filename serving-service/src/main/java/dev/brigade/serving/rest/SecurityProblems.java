package dev.brigade.serving.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * 401 and 403 as problem bodies. Authentication is lazy (quarkus.http.auth.proactive=false), so these failures reach
 * the REST layer and get a body, and endpoints without a role (scoring) never authenticate.
 */
public class SecurityProblems {

    /** Starting and cancelling batch jobs: they write scores to a production topic. */
    public static final String DEPLOYER = "deployer";

    static final String CHALLENGE = "Basic realm=\"brigade-serving\"";

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e) {
        return Response.status(401).type(Problem.MEDIA_TYPE).header("WWW-Authenticate", CHALLENGE)
                .entity(new Problem("urn:brigade:problem:unauthorized", "Unauthorized", 401,
                        "authenticate to start or cancel a batch job (HTTP Basic locally, a bearer token in "
                                + "production)", List.of()))
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Response.status(403).type(Problem.MEDIA_TYPE)
                .entity(new Problem("urn:brigade:problem:forbidden", "Forbidden", 403,
                        "your account lacks the role this needs (" + DEPLOYER + ")", List.of()))
                .build();
    }
}
