package dev.brigade.serving.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.brigade.platform.http.Problem;
import dev.brigade.serving.Refusal;

/** Serving's refusals as problem bodies: the one place their HTTP statuses are chosen. */
public class RefusalProblems {

    @ServerExceptionMapper
    public Response refused(Refusal e) {
        int status = switch (e.reason()) {
            case INVALID_REQUEST -> Problem.UNPROCESSABLE;
            case UNKNOWN_USE_CASE -> 404;
            case BATCH_MODE, NO_CHAMPION, VERSION_NOT_LOADED -> 409;
            case BUSY -> 429;
            case MODEL_FAILURE -> 500;
            case NO_MODEL -> 503;
        };
        return Problem.response(status, e.reason().kind(), e.getMessage(), e.errors());
    }
}
