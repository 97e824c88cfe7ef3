package dev.brigade.serving.rest;

import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.platform.http.ProblemException;
import dev.brigade.serving.config.ServingConfig;
import io.smallrye.common.annotation.NonBlocking;

/**
 * The benchmark's baseline: same HTTP stack, same thread model (event loop) and the same body parsing as scoring,
 * but no look-up and no model. bench/run.sh compares scoring with it in the same run, and turns it on
 * (brigade.serving.requests.noop-endpoint); otherwise it answers 404.
 */
@Path("/v1/noop")
@Tag(name = "scoring")
public class NoopResource {

    /** A small constant answer (about 25 bytes; a score answer is about 700). */
    public record NoopAnswer(boolean ok, int fields) {
    }

    private final ServingConfig config;

    NoopResource(ServingConfig config) {
        this.config = config;
    }

    @POST
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Parse a scoring body and answer without scoring (benchmark baseline; 404 unless turned on)")
    public NoopAnswer noop(byte[] body) {
        if (!config.requests().noopEndpoint()) {
            throw new ProblemException(404, "not-found", "POST /v1/noop is the scoring benchmark's baseline and is "
                    + "off here (brigade.serving.requests.noop-endpoint=false)", List.of());
        }
        JsonNode json = RequestParser.parse(body, config.requests().maxBodySize().asLongValue());
        return new NoopAnswer(true, json.size());
    }
}
