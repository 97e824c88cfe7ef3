package dev.brigade.registry.rest;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.brigade.registry.security.Roles;
import dev.brigade.registry.service.RegistryException;
import dev.brigade.registry.service.RegistryService;
import dev.brigade.registry.service.StageEvaluator;
import io.quarkus.security.identity.SecurityIdentity;

/** Use-case specs (the framing as code, versioned) and where each use case stands in its loop. */
@Path("/v1/use-cases")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "use cases", description = "Use-case specs: framing, metrics, policies and owners, versioned")
public class UseCaseResource {

    private final RegistryService registry;
    private final SecurityIdentity identity;

    UseCaseResource(RegistryService registry, SecurityIdentity identity) {
        this.registry = registry;
        this.identity = identity;
    }

    static final String YAML = "application/yaml";

    @GET
    @Operation(summary = "All use cases with their latest spec version and aliases")
    public List<Views.UseCaseSummary> list() {
        return registry.useCases().stream().map(Views.UseCaseSummary::of).toList();
    }

    @PUT
    @Path("/{name}")
    @Consumes({YAML, "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.REGISTRAR)
    @SecurityRequirement(name = "basic")
    @Operation(summary = "Register a spec version (YAML or JSON)",
            description = "Identical content answers 200 with the existing version; changed content creates the "
                    + "next version (201). 422 names every missing or invalid field.")
    @APIResponse(responseCode = "201", description = "A new spec version")
    @APIResponse(responseCode = "200", description = "Identical to the latest version: nothing changed")
    @APIResponse(responseCode = "400", description = "Invalid name or unreadable document")
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    @APIResponse(responseCode = "403", description = "Not a registrar")
    @APIResponse(responseCode = "422", description = "Missing or invalid fields, each named in errors")
    public Response put(@PathParam("name") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @Parameter(description = "why, for the audit trail") @QueryParam("reason") String reason, String body) {
        boolean yaml = contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json");
        RegistryService.SpecRegistration result = registry.putSpec(name, body, yaml,
                identity.getPrincipal().getName(), reason);
        Views.SpecView view = Views.SpecView.of(name, result.spec());
        if (!result.created()) {
            return Response.ok(view).build();
        }
        return Response.created(URI.create("/v1/use-cases/" + name + "/specs/" + result.spec().version()))
                .entity(view).build();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "The latest spec of a use case")
    @APIResponse(responseCode = "404", description = "No such use case")
    public Views.SpecView latest(@PathParam("name") String name) {
        return Views.SpecView.of(name, registry.useCase(name).latestSpec());
    }

    @GET
    @Path("/{name}/specs")
    @Operation(summary = "Every spec version of a use case, oldest first")
    public List<Views.SpecView> specs(@PathParam("name") String name) {
        return registry.useCase(name).specs().stream().map(s -> Views.SpecView.of(name, s)).toList();
    }

    @GET
    @Path("/{name}/specs/{n}")
    @Operation(summary = "One spec version of a use case")
    @APIResponse(responseCode = "404", description = "No such use case or version")
    public Views.SpecView spec(@PathParam("name") String name, @PathParam("n") String n) {
        int version = Params.version(n);
        return registry.useCase(name).spec(version).map(s -> Views.SpecView.of(name, s))
                .orElseThrow(() -> RegistryException.notFound(name + " has no spec version " + version));
    }

    @GET
    @Path("/{name}/stages")
    @Tag(name = "stages", description = "Where a use case stands in the loop, with each stage's criteria")
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
