package dev.brigade.serving.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The registry's read API, open to every reader. Its URL is {@code brigade.serving.registry-url}, its connect
 * and read timeout {@code brigade.serving.models.download-timeout} (application.properties).
 */
@RegisterRestClient(configKey = "registry")
@Path("/v1/artifacts")
public interface RegistryApi {

    /**
     * The artifact's bytes, every status answered (the default exception mapper is off for this client). A
     * {@link Response} body is streamed by the REST client, not buffered: the caller reads what it accepts.
     */
    @GET
    @Path("/{sha256}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    Response artifact(@PathParam("sha256") String sha256);
}
