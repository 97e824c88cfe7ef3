package dev.brigade.training.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.PartFilename;
import org.jboss.resteasy.reactive.PartType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.training.config.TrainingConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.mutiny.Uni;

/**
 * The registry's HTTP API as training calls it (registry-service/README.md). Statuses are answers here, not
 * exceptions (the default exception mapper is off), so {@link RegistryClient} decides what each one means. Every
 * call has a timeout ({@code brigade.training.registry.timeout}, the client's connect and read timeout); the reads
 * are retried, the registration is not: a second POST could register a second version.
 */
@RegisterRestClient(configKey = "registry")
@Path("/v1/use-cases")
@Produces(MediaType.APPLICATION_JSON) // the Accept header: the registry answers 406 to a client that asks for text
public interface RegistryApi {

    @GET
    @Retry(maxRetries = 2, delay = 500)
    RestResponse<String> useCases();

    @GET
    @Path("/{name}")
    @Retry(maxRetries = 2, delay = 500)
    RestResponse<String> spec(@PathParam("name") String useCase);

    /** The spec's status only, for a caller with a shorter deadline of its own (RegistryClient#knows): no retry. */
    @GET
    @Path("/{name}")
    Uni<RestResponse<Void>> probe(@PathParam("name") String useCase);

    @GET
    @Path("/{name}/aliases")
    @Retry(maxRetries = 2, delay = 500)
    RestResponse<String> aliases(@PathParam("name") String useCase);

    @GET
    @Path("/{name}/versions/{version}/artifact")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Retry(maxRetries = 2, delay = 500)
    RestResponse<byte[]> artifact(@PathParam("name") String useCase, @PathParam("version") int version);

    @POST
    @Path("/{name}/versions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @ClientHeaderParam(name = "Authorization", value = "{registrar}")
    RestResponse<String> register(@PathParam("name") String useCase,
            @RestForm("artifact") @PartFilename("model.brgmodel") @PartType(MediaType.APPLICATION_OCTET_STREAM)
            byte[] artifact,
            @RestForm("metadata") @PartType(MediaType.APPLICATION_JSON) JsonNode metadata);

    /** HTTP Basic as the registry's {@code training-service} registrar (brigade.training.registry.user/.password). */
    default String registrar() {
        TrainingConfig.Registry registry = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigMapping(TrainingConfig.class).registry();
        String credentials = registry.user() + ":" + registry.password();
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
