package dev.brigade.registry.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.brigade.registry.service.RegistryService;

/** Artifacts by content address, for readers that hold a digest from a ModelVersionRegistered event. */
@Path("/v1/artifacts")
@Tag(name = "artifacts", description = "Content-addressed model artifacts")
public class ArtifactResource {

    private final RegistryService registry;

    ArtifactResource(RegistryService registry) {
        this.registry = registry;
    }

    @GET
    @Path("/{sha256}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The artifact with this sha256, verified before it is served")
    @APIResponse(responseCode = "400", description = "Not a lower-case hex sha256")
    @APIResponse(responseCode = "404", description = "No such artifact")
    @APIResponse(responseCode = "500", description = "The stored file no longer matches its sha256: not served")
    public Response get(@PathParam("sha256") String sha256) {
        return ModelVersionResource.stream(registry.artifact(sha256), sha256 + ".model");
    }
}
