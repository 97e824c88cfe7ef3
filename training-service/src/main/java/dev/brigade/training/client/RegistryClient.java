package dev.brigade.training.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.model.ModelArtifactException;
import dev.brigade.model.Scorer;
import dev.brigade.training.Champion;
import dev.brigade.training.service.TrainingFailedException;

/**
 * The registry's HTTP API as training uses it (registry-service/README.md): the latest spec, the champion's
 * artifact (its sha256 checked against the registry's header before it is loaded), and the multipart registration
 * of a new version as the {@code training-service} registrar. Every failure is a TrainingFailedException whose
 * message is the run's reason.
 */
public class RegistryClient {

    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final ObjectMapper json;
    private final HttpClient http;

    public RegistryClient(URI base, String user, String password, Duration timeout, ObjectMapper json) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.json = json;
        // HTTP/1.1: the JDK client's h2c upgrade attempt can send a request twice to servers that refuse it.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** GET /v1/use-cases: the names of the registered use cases. */
    public List<String> useCaseNames() {
        JsonNode list = readJson(send(get("/v1/use-cases")), "the use cases");
        List<String> names = new ArrayList<>();
        list.forEach(u -> names.add(u.path("name").asText()));
        return names;
    }

    /** GET /v1/use-cases/{name}: the latest spec view. */
    public JsonNode spec(String useCase) {
        HttpResponse<byte[]> response = send(get("/v1/use-cases/" + encode(useCase)));
        if (response.statusCode() == 404) {
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
            int status = http.send(get("/v1/use-cases/" + encode(useCase), within),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? Optional.of(true) : status == 404 ? Optional.of(false) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The current champion with its artifact loaded, or empty when the use case has none. */
    public Optional<Champion> champion(String useCase) {
        JsonNode aliases = readJson(send(get("/v1/use-cases/" + encode(useCase) + "/aliases")),
                "the aliases of " + useCase);
        JsonNode holder = aliases.get("champion");
        if (holder == null || holder.isNull()) {
            return Optional.empty();
        }
        int version = holder.get("version").asInt();
        HttpResponse<byte[]> response = send(get("/v1/use-cases/" + encode(useCase) + "/versions/" + version
                + "/artifact"));
        if (response.statusCode() != 200) {
            throw new TrainingFailedException("the registry answered " + response.statusCode()
                    + " for the artifact of champion v" + version);
        }
        String expected = response.headers().firstValue("X-Artifact-Sha256").orElse("");
        String actual = sha256(response.body());
        if (!actual.equalsIgnoreCase(expected)) {
            throw new TrainingFailedException("the artifact of champion v" + version + " has sha256 " + actual
                    + ", the registry says " + expected);
        }
        try {
            return Optional.of(new Champion(version, Scorer.load(response.body())));
        } catch (ModelArtifactException e) {
            throw new TrainingFailedException("the artifact of champion v" + version + " does not load: "
                    + e.getMessage(), e);
        }
    }

    /**
     * POST /v1/use-cases/{name}/versions (multipart: artifact + metadata).
     *
     * @return the version number the registry assigned
     */
    public int register(String useCase, byte[] artifact, JsonNode metadata) {
        String boundary = "brigade-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(artifact.length + 8192);
        try {
            part(body, boundary, "artifact", "model.brgmodel", "application/octet-stream", artifact);
            part(body, boundary, "metadata", null, "application/json", json.writeValueAsBytes(metadata));
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new TrainingFailedException("cannot build the registration request: " + e.getMessage(), e);
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/use-cases/" + encode(useCase) + "/versions"))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() != 201) {
            throw new TrainingFailedException("the registry refused the model version (" + response.statusCode()
                    + "): " + new String(response.body(), StandardCharsets.UTF_8));
        }
        JsonNode view = readJson(response, "the registered version");
        return view.path("version").path("version").asInt();
    }

    private static void part(ByteArrayOutputStream body, String boundary, String name, String fileName,
            String contentType, byte[] content) throws IOException {
        StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append('"');
        if (fileName != null) {
            head.append("; filename=\"").append(fileName).append('"');
        }
        head.append("\r\nContent-Type: ").append(contentType).append("\r\n\r\n");
        body.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        body.write(content);
        body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private HttpRequest get(String path) {
        return get(path, timeout);
    }

    private HttpRequest get(String path, Duration within) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(within).GET().build();
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TrainingFailedException("the registry at " + base + " cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingFailedException("interrupted while calling the registry", e);
        }
    }

    private JsonNode readJson(HttpResponse<byte[]> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new TrainingFailedException("the registry answered " + response.statusCode() + " for " + what
                    + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new TrainingFailedException("the registry's answer for " + what + " is not JSON", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
