package dev.brigade.serving.rest;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.serving.config.ServingConfig;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;

/**
 * The benchmark's baseline: same HTTP stack, same thread model (event loop) and the same body parsing as scoring,
 * but no look-up and no model. bench/run.sh compares scoring with it in the same run.
 */
@Path("/v1/noop")
@Tag(name = "scoring")
public class NoopResource {

    /** A small constant answer (about 25 bytes; a score answer is about 700). */
    public record NoopAnswer(boolean ok, int fields) {
    }

    @Inject
    ServingConfig config;

    @POST
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Parse a scoring body and answer without scoring (benchmark baseline)")
    public NoopAnswer noop(byte[] body) {
        JsonNode json = RequestParser.parse(body, config.requests().maxBodySize().asLongValue());
        return new NoopAnswer(true, json.size());
    }
}
