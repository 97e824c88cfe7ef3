package dev.brigade.registry.rest;

import java.io.InputStream;
import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.brigade.registry.security.Roles;
import dev.brigade.registry.service.ArtifactStore;
import dev.brigade.registry.service.RegistryService;
import io.quarkus.security.identity.SecurityIdentity;

/** Model versions of a use case: artifact, contract, lineage, evaluation, gate, approvals. */
@Path("/v1/use-cases/{name}/versions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "model versions", description = "Model versions with artifacts, lineage, gates and approvals")
public class ModelVersionResource {

    private final RegistryService registry;
    private final SecurityIdentity identity;

    ModelVersionResource(RegistryService registry, SecurityIdentity identity) {
        this.registry = registry;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Roles.REGISTRAR)
    @SecurityRequirement(name = "basic")
    @Operation(summary = "Register a model version",
            description = "Multipart: part \"artifact\" (the model artifact file) and part \"metadata\" (JSON: "
                    + "contract, lineage, evaluationReport, referenceProfile, optional role and reason). The gate "
                    + "is evaluated at once and returned with the version.")
    @APIResponse(responseCode = "201", description = "Registered; the body holds the gate with its numbers")
    @APIResponse(responseCode = "400", description = "Invalid name, file name or unreadable metadata")
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    @APIResponse(responseCode = "403", description = "Not a registrar")
    @APIResponse(responseCode = "404", description = "No such use case")
    @APIResponse(responseCode = "413", description = "Artifact larger than brigade.registry.max-artifact-size")
    @APIResponse(responseCode = "422", description = "Missing or invalid fields, each named in errors")
    public Response register(@PathParam("name") String name, @RestForm("artifact") FileUpload artifact,
            @RestForm("metadata") String metadata) {
        RegistryService.VersionOf registered = registry.registerVersion(name,
                artifact == null ? null : artifact.uploadedFile(), artifact == null ? null : artifact.fileName(),
                metadata, identity.getPrincipal().getName());
        return Response.created(URI.create("/v1/use-cases/" + name + "/versions/" + registered.version().version()))
                .entity(Views.VersionView.of(registered)).build();
    }

    @GET
    @Operation(summary = "The model versions of a use case, oldest first")
    public List<Views.VersionSummary> list(@PathParam("name") String name) {
        return Views.summaries(registry.useCase(name));
    }

    @GET
    @Path("/{v}")
    @Operation(summary = "One model version: contract, lineage, evaluation report, reference profile, gate, "
            + "approvals")
    @APIResponse(responseCode = "404", description = "No such use case or version")
    public Views.VersionView get(@PathParam("name") String name, @PathParam("v") String v) {
        return Views.VersionView.of(registry.version(name, Params.version(v)));
    }

    @GET
    @Path("/{v}/artifact")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The version's artifact, verified against its sha256 before it is served")
    @APIResponse(responseCode = "200", description = "The artifact bytes; header X-Artifact-Sha256 names them")
    @APIResponse(responseCode = "500", description = "The stored file no longer matches its sha256: not served")
    public Response artifact(@PathParam("name") String name, @PathParam("v") String v) {
        int number = Params.version(v);
        return stream(registry.artifact(name, number), name + "-v" + number + ".model");
    }

    @POST
    @Path("/{v}/approvals")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.APPROVER)
    @SecurityRequirement(name = "basic")
    @Operation(summary = "Approve a version that passed its gate (not by the one who registered it)")
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    @APIResponse(responseCode = "403", description = "Not an approver")
    @APIResponse(responseCode = "409", description = "Gate not passed, archived, or the approver registered it")
    public Views.VersionView approve(@PathParam("name") String name, @PathParam("v") String v,
            Requests.ApprovalRequest body) {
        return Views.VersionView.of(registry.approve(name, Params.version(v), identity.getPrincipal().getName(),
                body == null ? null : body.comment()));
    }

    @POST
    @Path("/{v}/archive")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DEPLOYER)
    @SecurityRequirement(name = "basic")
    @Operation(summary = "Archive a version that holds no alias; it is never promoted again")
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    @APIResponse(responseCode = "403", description = "Not a deployer")
    @APIResponse(responseCode = "409", description = "It holds an alias, or is archived already")
    @APIResponse(responseCode = "422", description = "No reason given")
    public Views.VersionView archive(@PathParam("name") String name, @PathParam("v") String v,
            Requests.ReasonRequest body) {
        return Views.VersionView.of(registry.archive(name, Params.version(v), identity.getPrincipal().getName(),
                body == null ? null : body.reason()));
    }

    static Response stream(ArtifactStore.Verified verified, String fileName) {
        StreamingOutput body = out -> {
            try (InputStream in = verified.content()) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Length", verified.size())
                .header("X-Artifact-Sha256", verified.sha256())
                .header("ETag", "\"sha256:" + verified.sha256() + "\"")
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .build();
    }
}
