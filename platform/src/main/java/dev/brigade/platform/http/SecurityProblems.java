package dev.brigade.platform.http;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * 401 and 403 as problem bodies. Services authenticate lazily (quarkus.http.auth.proactive=false), so these failures
 * reach the REST layer and get a body, and endpoints without a role never authenticate. Realm and role hint come from
 * {@link SecurityConfig}.
 */
public class SecurityProblems {

    private final SecurityConfig config;

    SecurityProblems(SecurityConfig config) {
        this.config = config;
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e) {
        return Response.fromResponse(Problem.of(401, "unauthorized", "authenticate to " + config.purpose()
                + " (HTTP Basic locally, a bearer token in production)", List.of()).response())
                .header("WWW-Authenticate", challenge()).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(403, "forbidden", "your account lacks the role this needs (" + config.roles() + ")");
    }

    String challenge() {
        return "Basic realm=\"" + config.realm() + "\"";
    }
}
