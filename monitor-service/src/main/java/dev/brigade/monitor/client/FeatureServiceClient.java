package dev.brigade.monitor.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.rest.client.reactive.jackson.ClientObjectMapper;

/**
 * The feature-service's read endpoint the dashboard's data-contract panel shows through this service (reads are
 * open there): {@code GET /v1/feature-sets/{name}/versions/{v}/contract}. The timeout is short
 * (brigade.monitor.features.timeout, the client's connect and read timeout) and a feature-service that keeps failing
 * opens the breaker: one that is down or hung costs the panel, not the dashboard.
 */
@RegisterRestClient(configKey = "features")
@Produces(MediaType.APPLICATION_JSON) // the Accept header: a peer answers 406 to a client that asks for text
public interface FeatureServiceClient {

    /** The version's expectations with their live counts, as the feature-service judges them now. */
    @GET
    @Path("/v1/feature-sets/{name}/versions/{version}/contract")
    @CircuitBreaker(requestVolumeThreshold = 10, delay = 10_000)
    RestResponse<JsonNode> contract(@PathParam("name") String featureSet, @PathParam("version") int version);

    // A rate with no data behind it may come as NaN (a string by Jackson's default, a bare token by others).
    @ClientObjectMapper
    static ObjectMapper objectMapper(ObjectMapper defaults) {
        return defaults.copy().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
    }
}
