package dev.brigade.monitor.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The registry's read endpoints the dashboard shows through this service (reads are open there, so no account):
 * the loop's stages, which the registry derives from its state, and a model version with its evaluation report.
 * A registry that keeps failing opens the breaker, and the dashboard's panels fail fast instead of each poll
 * waiting for the timeout (brigade.monitor.registry.timeout, the client's connect and read timeout).
 */
@RegisterRestClient(configKey = "registry")
@Path("/v1/use-cases/{name}")
@Produces(MediaType.APPLICATION_JSON) // the Accept header: a peer answers 406 to a client that asks for text
public interface RegistryReads {

    /** GET /v1/use-cases/{name}/stages. */
    @GET
    @Path("/stages")
    @CircuitBreaker(requestVolumeThreshold = 10, delay = 10_000)
    RestResponse<JsonNode> stages(@PathParam("name") String useCase);

    /** GET /v1/use-cases/{name}/versions/{v}: the version with its evaluation report. */
    @GET
    @Path("/versions/{version}")
    @CircuitBreaker(requestVolumeThreshold = 10, delay = 10_000)
    RestResponse<JsonNode> version(@PathParam("name") String useCase, @PathParam("version") int version);
}
