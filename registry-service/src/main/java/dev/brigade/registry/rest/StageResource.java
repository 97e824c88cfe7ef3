package dev.brigade.registry.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.brigade.registry.service.RegistryService;
import dev.brigade.registry.service.StageEvaluator;

/** The loop of a use case, stage by stage: owner, entry and exit criteria, met or not with the evidence. */
@Path("/v1/use-cases/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "stages", description = "Where a use case stands in the loop, with each stage's criteria")
public class StageResource {

    private final RegistryService registry;

    StageResource(RegistryService registry) {
        this.registry = registry;
    }

    @GET
    @Path("/stages")
    @Operation(summary = "The six stages of the use case's loop",
            description = "framing, data, training, evaluation, deploy, monitor: each with its owner from the spec, "
                    + "its entry and exit criteria (met true/false, null when the registry cannot know) with the "
                    + "values they were decided on, and its status (exited, current, not-entered). Derived from the "
                    + "latest spec and the registry's state on every call; docs/stages.md lists the criteria.")
    @APIResponse(responseCode = "404", description = "No such use case")
    public StageEvaluator.Stages stages(@PathParam("name") String name) {
        return StageEvaluator.evaluate(registry.useCase(name));
    }
}
