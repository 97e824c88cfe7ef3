package dev.brigade.registry.security;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.brigade.registry.rest.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * 401 and 403 as problem bodies. Authentication is lazy (quarkus.http.auth.proactive=false) so that these
 * failures reach the REST layer and get a body, instead of an empty response from the HTTP layer.
 */
public class SecurityProblems {

    static final String CHALLENGE = "Basic realm=\"brigade-registry\"";

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e) {
        Problem problem = Problem.of("unauthorized", "Unauthorized", 401,
                "authenticate to change the registry (HTTP Basic locally, a bearer token in production)", List.of());
        return Response.status(401).type(Problem.MEDIA_TYPE).header("WWW-Authenticate", CHALLENGE).entity(problem)
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        Problem problem = Problem.of("forbidden", "Forbidden", 403,
                "your account lacks the role this change needs (registrar, approver or deployer)", List.of());
        return Response.status(403).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
