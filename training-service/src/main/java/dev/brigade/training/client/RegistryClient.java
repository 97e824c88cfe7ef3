package dev.brigade.training.client;

import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.platform.http.ClientAnswers;

import dev.brigade.model.ModelArtifactException;
import dev.brigade.model.Scorer;
import dev.brigade.training.Champion;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.service.TrainingFailedException;
import io.smallrye.mutiny.TimeoutException;

/**
 * What training makes of the registry's answers ({@link RegistryApi}): the latest spec, the champion's artifact (its
 * sha256 checked against the registry's header before it is loaded), and the registration of a new version. Every
 * failure is a TrainingFailedException whose message is the run's reason.
 */
@ApplicationScoped
public class RegistryClient {

    private final RegistryApi api;
    private final URI base;
    private final ObjectMapper json;

    RegistryClient(@RestClient RegistryApi api, TrainingConfig config, ObjectMapper json) {
        this.api = api;
        this.base = config.registry().url();
        this.json = json;
    }

    /** GET /v1/use-cases: the names of the registered use cases. */
    public List<String> useCaseNames() {
        List<String> names = new ArrayList<>();
        readJson(call(api::useCases), "the use cases").forEach(u -> names.add(u.path("name").asText()));
        return names;
    }

    /** GET /v1/use-cases/{name}: the latest spec view. */
    public JsonNode spec(String useCase) {
        RestResponse<String> response = call(() -> api.spec(useCase));
        if (response.getStatus() == 404) {
            throw new TrainingFailedException("use case " + useCase + " is not registered in the registry");
        }
        return readJson(response, "the spec of " + useCase);
    }

    /**
     * Whether the registry knows the use case, asked within {@code within}; empty when it cannot say (unreachable,
     * slow, or any other answer), so that the caller can go ahead and let the run report it.
     */
    public Optional<Boolean> knows(String useCase, Duration within) {
        try {
            int status = api.probe(useCase).await().atMost(within).getStatus();
            return status == 200 ? Optional.of(true) : status == 404 ? Optional.of(false) : Optional.empty();
        } catch (ProcessingException | FaultToleranceException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** The current champion with its artifact loaded, or empty when the use case has none. */
    public Optional<Champion> champion(String useCase) {
        JsonNode holder = readJson(call(() -> api.aliases(useCase)), "the aliases of " + useCase).get("champion");
        if (holder == null || holder.isNull()) {
            return Optional.empty();
        }
        int version = holder.get("version").asInt();
        RestResponse<byte[]> response = call(() -> api.artifact(useCase, version));
        if (response.getStatus() != 200) {
            throw new TrainingFailedException("the registry answered " + response.getStatus()
                    + " for the artifact of champion v" + version);
        }
        String expected = Optional.ofNullable(response.getHeaderString("X-Artifact-Sha256")).orElse("");
        String actual = sha256(response.getEntity());
        if (!actual.equalsIgnoreCase(expected)) {
            throw new TrainingFailedException("the artifact of champion v" + version + " has sha256 " + actual
                    + ", the registry says " + expected);
        }
        try {
            return Optional.of(new Champion(version, Scorer.load(response.getEntity())));
        } catch (ModelArtifactException e) {
            throw new TrainingFailedException("the artifact of champion v" + version + " does not load: "
                    + e.getMessage(), e);
        }
    }

    /**
     * POST /v1/use-cases/{name}/versions (multipart: artifact + metadata) as the registrar.
     *
     * @return the version number the registry assigned
     */
    public int register(String useCase, byte[] artifact, JsonNode metadata) {
        RestResponse<String> response = call(() -> api.register(useCase, artifact, metadata));
        if (response.getStatus() != 201) {
            throw new TrainingFailedException("the registry refused the model version (" + response.getStatus()
                    + "): " + ClientAnswers.text(response));
        }
        return readJson(response, "the registered version").path("version").path("version").asInt();
    }

    private <T> RestResponse<T> call(Supplier<RestResponse<T>> call) {
        try {
            return call.get();
        } catch (ProcessingException | FaultToleranceException e) {
            throw new TrainingFailedException("the registry at " + base + " cannot be reached: " + e, e);
        }
    }

    private JsonNode readJson(RestResponse<String> response, String what) {
        if (response.getStatus() / 100 != 2) {
            throw new TrainingFailedException("the registry answered " + response.getStatus() + " for " + what
                    + ": " + ClientAnswers.text(response));
        }
        try {
            return json.readTree(response.getEntity());
        } catch (IOException e) {
            throw new TrainingFailedException("the registry's answer for " + what + " is not JSON", e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
