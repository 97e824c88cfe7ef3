package dev.brigade.monitor.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * The same read endpoints on another instance of this station (built per instance by {@link Peers}, at the URL its
 * Streams application.server advertises). Every call carries {@link #ROUTED_HEADER}: the instance asked answers from
 * its own state or refuses (503), and never forwards again. The body comes back as it was written, so the answer
 * relayed is the owner's, byte for byte.
 */
@Path("/v1")
@Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
public interface MonitorPeers {

    /** Marks a request forwarded once by another instance (its application.server as the value). */
    String ROUTED_HEADER = "X-Brigade-Routed";

    /** Routed: the summaries of the use cases the instance owns. */
    @GET
    @Path("/use-cases")
    RestResponse<String> useCases(@HeaderParam(ROUTED_HEADER) String routedBy);

    @GET
    @Path("/use-cases/{name}")
    RestResponse<String> useCase(@PathParam("name") String name, @HeaderParam(ROUTED_HEADER) String routedBy);

    @GET
    @Path("/use-cases/{name}/windows")
    RestResponse<String> windows(@PathParam("name") String name, @QueryParam("version") Integer version,
            @QueryParam("limit") Integer limit, @HeaderParam(ROUTED_HEADER) String routedBy);

    @GET
    @Path("/use-cases/{name}/windows/{window}/worst")
    RestResponse<String> worst(@PathParam("name") String name, @PathParam("window") String window,
            @QueryParam("limit") Integer limit, @HeaderParam(ROUTED_HEADER) String routedBy);

    /** Routed: the alerts with only the actions this instance took. */
    @GET
    @Path("/use-cases/{name}/alerts")
    RestResponse<String> alerts(@PathParam("name") String name, @HeaderParam(ROUTED_HEADER) String routedBy);

    @GET
    @Path("/use-cases/{name}/contract")
    RestResponse<String> contract(@PathParam("name") String name, @HeaderParam(ROUTED_HEADER) String routedBy);
}
