package dev.brigade.monitor.client;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.rest.client.reactive.ClientBasicAuth;

/**
 * The registry's write endpoints the rollback action needs, called as the monitor's service account (role
 * deployer, HTTP Basic locally): roll the champion back, or clear a canary or a shadow. Never retried: a rollback
 * is not idempotent (a second one would move the champion further back). Every status is an answer (the default
 * exception mapper is off for this client), so a refusal is recorded with the registry's body. URL and timeout:
 * brigade.monitor.registry.url / .timeout (application.properties).
 */
@RegisterRestClient(configKey = "registry")
@ClientBasicAuth(username = "${brigade.monitor.registry.user}", password = "${brigade.monitor.registry.password}")
@Path("/v1/use-cases/{name}")
@Produces(MediaType.APPLICATION_JSON) // the Accept header: a peer answers 406 to a client that asks for text
public interface RegistryClient {

    record Reason(String reason) {
    }

    /** An alias move; version null clears the alias. */
    record AliasMove(Integer version, String reason) {
    }

    /** POST /v1/use-cases/{name}/rollback: the champion back to the previous champion. */
    @POST
    @Path("/rollback")
    RestResponse<String> rollback(@PathParam("name") String useCase, Reason reason);

    /**
     * POST /v1/use-cases/{name}/aliases/{alias}: with version null a canary stops taking traffic, a shadow stops
     * scoring and its rollout ends.
     */
    @POST
    @Path("/aliases/{alias}")
    RestResponse<String> moveAlias(@PathParam("name") String useCase, @PathParam("alias") String alias,
            AliasMove move);
}
