package dev.brigade.training.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * 401 and 403 as problem bodies. Authentication is lazy (quarkus.http.auth.proactive=false), so these failures reach
 * the REST layer and get a body, and the open endpoints (run records, health, metrics) never authenticate.
 */
public class SecurityProblems {

    /** Asks for training runs: each one takes the training worker for minutes and can end in a candidate version. */
    public static final String TRAINER = "trainer";

    static final String CHALLENGE = "Basic realm=\"brigade-training\"";

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e) {
        return Response.fromResponse(Problem.response(401, "unauthorized", "Unauthorized",
                "authenticate to ask for a training run (HTTP Basic locally, a bearer token in production)",
                List.of())).header("WWW-Authenticate", CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(403, "forbidden", "Forbidden", "your account lacks the role this needs (" + TRAINER
                + ")", List.of());
    }
}
