package dev.brigade.serving.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.brigade.serving.config.ServingConfig;

/**
 * Downloads model artifacts from the registry's read API ({@code GET /v1/artifacts/{sha256}}, open to every reader)
 * and verifies them: the size the event announced, the size limit, and the sha256 the event named. Blocking, on the
 * model loader's thread, never on a request's.
 */
@ApplicationScoped
public class RegistryClient {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A download that failed; retryable when a later attempt may succeed (network, 5xx). */
    public static final class DownloadException extends Exception {
        private final boolean retryable;

        public DownloadException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final ServingConfig config;
    private final HttpClient http;

    RegistryClient(ServingConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.models().downloadTimeout()).build();
    }

    public byte[] artifact(String sha256, long expectedSize) throws DownloadException, InterruptedException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new DownloadException("not a sha256: " + sha256, false);
        }
        long limit = config.models().maxArtifactSize().asLongValue();
        if (expectedSize > limit) {
            throw new DownloadException("artifact of " + expectedSize + " bytes is above the limit of " + limit,
                    false);
        }
        URI uri = config.registryUrl().resolve("/v1/artifacts/" + sha256);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.models().downloadTimeout())
                .header("Accept", "application/octet-stream").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new DownloadException("cannot reach the registry at " + uri + ": " + e, true);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                String text = new String(in.readNBytes(300), java.nio.charset.StandardCharsets.UTF_8);
                throw new DownloadException("registry answered " + response.statusCode() + " for " + uri + ": "
                        + text, response.statusCode() >= 500 || response.statusCode() == 404);
            }
            // Read one byte more than the limit: a bigger body is refused without holding it all.
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        } catch (IOException e) {
            throw new DownloadException("download of " + uri + " broke off: " + e, true);
        }
        if (bytes.length > limit) {
            throw new DownloadException("artifact is above the limit of " + limit + " bytes", false);
        }
        if (bytes.length != expectedSize) {
            throw new DownloadException("artifact has " + bytes.length + " bytes, the registry event announced "
                    + expectedSize, true);
        }
        String actual = sha256(bytes);
        if (!actual.equals(sha256)) {
            throw new DownloadException("sha256 mismatch: expected " + sha256 + ", downloaded " + actual, true);
        }
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
