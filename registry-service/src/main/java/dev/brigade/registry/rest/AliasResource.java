package dev.brigade.registry.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.brigade.registry.AliasMove;
import dev.brigade.registry.UseCase;
import dev.brigade.registry.security.Roles;
import dev.brigade.registry.service.RegistryException;
import dev.brigade.registry.service.RegistryService;
import io.quarkus.security.identity.SecurityIdentity;

/** Aliases (shadow, canary, champion), their full history, rollback. */
@Path("/v1/use-cases/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "aliases", description = "Shadow, canary and champion: promotion, rollback and history")
public class AliasResource {

    private final RegistryService registry;
    private final SecurityIdentity identity;

    AliasResource(RegistryService registry, SecurityIdentity identity) {
        this.registry = registry;
        this.identity = identity;
    }

    @GET
    @Path("/aliases")
    @Operation(summary = "Which version holds each alias now")
    public Views.AliasesView aliases(@PathParam("name") String name) {
        return Views.AliasesView.of(registry.useCase(name));
    }

    @GET
    @Path("/aliases/history")
    @Operation(summary = "Every alias move, oldest first, with who, when and why")
    public List<AliasMove> history(@PathParam("name") String name) {
        return registry.useCase(name).aliasHistory();
    }

    @GET
    @Path("/aliases/champion")
    @Operation(summary = "Which version was champion at an instant (now if at is absent)")
    @APIResponse(responseCode = "404", description = "No champion at that time")
    public Views.ChampionAt championAt(@PathParam("name") String name,
            @Parameter(description = "ISO-8601 instant, e.g. 2026-11-26T08:00:00Z") @QueryParam("at") String at) {
        Instant instant;
        try {
            instant = at == null || at.isBlank() ? Instant.now() : Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw RegistryException.badRequest("at", "must be an ISO-8601 instant such as 2026-11-26T08:00:00Z");
        }
        UseCase useCase = registry.useCase(name);
        Integer version = useCase.championAt(instant)
                .orElseThrow(() -> RegistryException.notFound(name + " had no champion at " + instant));
        return new Views.ChampionAt(name, instant, version);
    }

    @POST
    @Path("/aliases/{alias}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DEPLOYER)
    @SecurityRequirement(name = "basic")
    @Operation(summary = "Move an alias to a version along the policy's rollout (or clear shadow/canary)",
            description = "Body {version, trafficPercent (canary), reason}. Needs a passed gate against the current "
                    + "champion, an approval for canary and champion where the policy asks, and the version's next "
                    + "rollout step.")
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    @APIResponse(responseCode = "403", description = "Not a deployer")
    @APIResponse(responseCode = "409", description = "The promotion rules refuse the move; detail says why")
    @APIResponse(responseCode = "422", description = "No reason given")
    public Views.AliasesView move(@PathParam("name") String name, @PathParam("alias") String alias,
            Requests.AliasMoveRequest body) {
        Requests.AliasMoveRequest request = body == null ? new Requests.AliasMoveRequest(null, null, null) : body;
        UseCase useCase = registry.moveAlias(name, Params.alias(alias), request.version(), request.trafficPercent(),
                identity.getPrincipal().getName(), request.reason());
        return Views.AliasesView.of(useCase);
    }

    @POST
    @Path("/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.DEPLOYER)
    @SecurityRequirement(name = "basic")
    @Operation(summary = "Move champion back to the previous champion, in one call")
    @APIResponse(responseCode = "401", description = "No or wrong credentials")
    @APIResponse(responseCode = "403", description = "Not a deployer")
    @APIResponse(responseCode = "409", description = "No previous champion")
    @APIResponse(responseCode = "422", description = "No reason given")
    public Views.AliasesView rollback(@PathParam("name") String name, Requests.ReasonRequest body) {
        UseCase useCase = registry.rollback(name, identity.getPrincipal().getName(),
                body == null ? null : body.reason());
        return Views.AliasesView.of(useCase);
    }
}
